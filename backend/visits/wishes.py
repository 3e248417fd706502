"""Client wishes (advance care planning) and the care network: read, record, and show them everywhere."""
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors, vocab
from backend.audit import service as audit
from backend.clients.models import Client
from backend.visits.access import claim_id, visible_client
from backend.visits.models import ClientContact, ClientWishes

WISH_FIELDS = ("resuscitation", "hospital_admission", "preferred_place_of_care", "preferred_place_of_death",
               "other_agreements", "agreed_with", "agreed_on", "gp_phone", "home_care_provider", "home_care_phone")


@dataclass
class Wishes:
    """A client's wishes as shown on every call and visit: defaults (`recorded` false) when none are recorded."""

    client_id: int
    resuscitation: str
    hospital_admission: str
    preferred_place_of_care: str | None
    preferred_place_of_death: str | None
    other_agreements: str | None
    agreed_with: str | None
    agreed_on: date | None
    gp_name: str | None
    gp_phone: str | None
    home_care_provider: str | None
    home_care_phone: str | None
    recorded: bool
    updated_at: datetime | None
    version: int
    contacts: list[ClientContact] = field(default_factory=list)  # filled on the wishes endpoints


def wishes_of(session: Session, *, client: Client, with_contacts: bool = False) -> Wishes:
    """Return the client's wishes (and, if asked, current contacts)."""
    row = session.get(ClientWishes, client.id)
    values = {name: getattr(row, name) if row else None for name in WISH_FIELDS}
    values.update(resuscitation=row.resuscitation if row else "unknown",
                  hospital_admission=row.hospital_admission if row else "unknown")
    return Wishes(client_id=client.id, gp_name=client.gp_name, recorded=row is not None,
                  updated_at=row.updated_at if row else None, version=row.version if row else 0,
                  contacts=contacts_of(session, client_id=client.id) if with_contacts else [], **values)


def contacts_of(session: Session, *, client_id: int) -> list[ClientContact]:
    """Return the client's current contacts, mantelzorgers first."""
    return list(session.exec(
        select(ClientContact).where(ClientContact.client_id == client_id, ClientContact.removed_at.is_(None))
        .order_by(ClientContact.is_mantelzorger.desc(), ClientContact.name)
    ).all())


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def wishes_record(wishes: Wishes) -> dict:
    """Return the wishes as a handover keeps them (JSON, labels included): what was handed over, as it was."""
    record = {name: _plain(value) for name, value in asdict(wishes).items() if name != "contacts"}
    return {**record, "resuscitation_label": vocab.dutch(vocab.RESUSCITATION, wishes.resuscitation),
            "hospital_admission_label": vocab.dutch(vocab.HOSPITAL_ADMISSION, wishes.hospital_admission)}


def contact_record(contact: ClientContact) -> dict:
    """Return a contact as a handover keeps it (JSON, label included)."""
    record = contact.model_dump(exclude={"created_at", "removed_at"})
    return {**{name: _plain(value) for name, value in record.items()},
            "involvement_label": vocab.dutch(vocab.CONTACT_INVOLVEMENT, contact.involvement)}


def get_wishes(session: Session, *, actor, client_id: int, now: datetime) -> Wishes:
    """Return a client's wishes and contacts; audited."""
    client = visible_client(session, actor=actor, client_id=client_id, action="wishes.read", now=now)
    wishes = wishes_of(session, client=client, with_contacts=True)
    audit.record(session, actor=actor, action="wishes.read", client_id=client_id, now=now,
                 data="behandelwensen, contactpersonen")
    session.commit()
    return wishes


def update_wishes(session: Session, *, actor, client_id: int, data: dict, now: datetime) -> Wishes:
    """Record or change a client's wishes; a change must name the version it was based on."""
    client = visible_client(session, actor=actor, client_id=client_id, action="wishes.update", now=now)
    data = dict(data)
    version = data.pop("version", None)
    row = session.get(ClientWishes, client_id)
    if row is None:
        if version not in (None, 0):
            raise errors.Conflict("Er zijn nog geen wensen vastgelegd; verstuur zonder versie.",
                                  extra={"current": wishes_of(session, client=client, with_contacts=True)})
        session.add(ClientWishes(client_id=client_id, **data, updated_by_id=actor.user_id, updated_at=now))
    else:
        if version is None:
            raise errors.Unprocessable("Geef de versie mee waarop je wijziging is gebaseerd.",
                                       errors={"version": ["Verplicht bij een wijziging."]})
        result = session.execute(
            sa.update(ClientWishes).where(ClientWishes.client_id == client_id, ClientWishes.version == version)
            .values(**data, updated_by_id=actor.user_id, updated_at=now, version=ClientWishes.version + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            session.rollback()
            raise errors.Conflict("De wensen zijn intussen door iemand anders gewijzigd.",
                                  extra={"current": wishes_of(session, client=client, with_contacts=True)})
        session.expire(row)
    audit.record(session, actor=actor, action="wishes.update", client_id=client_id, now=now,
                 data="behandelwensen", detail={"fields": sorted(data)})
    session.flush()
    wishes = wishes_of(session, client=client, with_contacts=True)
    session.commit()
    return wishes


def add_contact(session: Session, *, actor, client_id: int, data: dict, now: datetime) -> ClientContact:
    """Add a mantelzorger or other contact to a client."""
    visible_client(session, actor=actor, client_id=client_id, action="contact.create", now=now)
    data = dict(data)
    contact_id, existing = claim_id(session, ClientContact, data.pop("id", None),
                                    replay=lambda row: row.client_id == client_id)
    if existing is not None:
        return existing  # a replay of the same offline write
    contact = ClientContact(id=contact_id, client_id=client_id, **data, created_at=now, updated_at=now)
    session.add(contact)
    audit.record(session, actor=actor, action="contact.create", client_id=client_id, now=now,
                 data="contactpersoon", detail={"contact_id": contact_id})
    session.commit()
    return contact


def remove_contact(session: Session, *, actor, client_id: int, contact_id: str, now: datetime) -> None:
    """Remove a contact from a client's network (kept for the record, no longer shown)."""
    visible_client(session, actor=actor, client_id=client_id, action="contact.remove", now=now)
    contact = session.get(ClientContact, contact_id)
    if contact is None or contact.client_id != client_id or contact.removed_at is not None:
        raise errors.NotFound("Deze contactpersoon bestaat niet (meer).")
    contact.removed_at = now
    contact.updated_at = now
    audit.record(session, actor=actor, action="contact.remove", client_id=client_id, now=now,
                 data="contactpersoon", detail={"contact_id": contact_id})
    session.commit()
