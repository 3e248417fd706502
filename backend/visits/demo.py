"""Demo wishes and contacts for a few clients, and a visit in progress with vitals."""
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from backend.clients.models import Client
from backend.dispatch.models import Call
from backend.identity.actor import Actor
from backend.identity.models import User
from backend.visits import service, wishes
from backend.visits.models import ClientWishes

ORDER = 40

WISHES = [
    ({"resuscitation": "no", "hospital_admission": "after_consultation", "preferred_place_of_care": "thuis",
      "preferred_place_of_death": "thuis", "agreed_with": "mevrouw zelf, haar dochter en dr. Kamphuis",
      "agreed_on": date(2026, 5, 12), "home_care_provider": "Thuiszorg De Berkel", "home_care_phone": "0570-612345"},
     [{"name": "Ingrid Hendriks", "relation": "dochter", "phone": "06-23456789", "is_mantelzorger": True,
       "involvement": "first_contact"}]),
    ({"resuscitation": "no", "hospital_admission": "no", "preferred_place_of_death": "thuis, bij zijn vrouw",
      "other_agreements": "Geen sondevoeding; wel pijnbestrijding.", "agreed_with": "meneer en zijn vrouw",
      "agreed_on": date(2026, 2, 3)},
     [{"name": "Ria van Dam", "relation": "echtgenote", "phone": "0570-600002", "is_mantelzorger": True,
       "involvement": "representative"},
      {"name": "Kees van Dam", "relation": "zoon", "phone": "06-34567890", "involvement": "keep_informed"}]),
    ({"resuscitation": "yes", "hospital_admission": "yes", "agreed_with": "mevrouw zelf",
      "agreed_on": date(2025, 11, 20)},
     [{"name": "Peter Koster", "relation": "buurman", "phone": "06-45678901", "involvement": "emergencies_only"}]),
]


def load(session: Session, now: datetime) -> bool:
    """Record wishes for the first demo clients and open the visit of the call Chantal holds."""
    if session.scalar(select(ClientWishes.client_id).limit(1)) is not None:
        return False
    coordinator = session.scalar(select(User).where(User.username == "coordinator"))
    if coordinator is None:
        return False
    by = Actor.of(coordinator, request_id="demo-load")
    clients = list(session.exec(select(Client).order_by(Client.id)).all())
    for client, (wish, contacts) in zip(clients, WISHES):
        wishes.update_wishes(session, actor=by, client_id=client.id, data=wish, now=now - timedelta(days=1))
        for contact in contacts:
            wishes.add_contact(session, actor=by, client_id=client.id, data=contact, now=now - timedelta(days=1))
    chantal = session.scalar(select(User).where(User.username == "chantal"))
    call = session.scalar(select(Call).where(Call.nurse_id == chantal.id, Call.status == "accepted")) if chantal else None
    if call is not None:
        nurse = Actor.of(chantal, request_id="demo-load")
        visit = service.create_visit(session, actor=nurse, data={"call_id": call.id}, now=now - timedelta(minutes=20))
        service.add_vitals(session, actor=nurse, visit_id=visit.id, now=now - timedelta(minutes=15),
                           data={"measured_at": now - timedelta(minutes=15), "resp_rate": 21, "spo2": 95,
                                 "on_oxygen": False, "systolic_bp": 108, "heart_rate": 96, "consciousness": "A",
                                 "temperature": 38.4, "spo2_scale": 1})
        service.add_note(session, actor=nurse, visit_id=visit.id, now=now - timedelta(minutes=10),
                         data={"text": "Infuus aangesloten, cliënt koortsig maar helder."})
        session.commit()  # the visit's writes flush only (over HTTP, @blp.idempotent commits them)
    return True
