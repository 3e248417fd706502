"""Who may see which client: the one rule clients, audit, dispatch and visits share."""
import sqlalchemy as sa
from sqlmodel import Session, select

from backend.clients.models import Client
from backend.consults.models import Consult, ConsultAsk
from backend.dispatch.models import Call
from backend.vocab import TEAM_ROLES


def organisation_of(actor) -> str:
    """Return the organisation a HAP user raises calls for (its own user id if it has none)."""
    return actor.organisation or f"user:{actor.user_id}"


def visible_client_ids_query(actor):
    """Return a SELECT of the client ids this actor may see: through its team's or organisation's work."""
    if actor.role in TEAM_ROLES:
        via_calls = select(Call.client_id).where(Call.team == actor.team)
        own = select(Client.id).where(Client.created_team == actor.team)
    elif actor.role == "physician":
        # A physician sees only the clients of the consults she was asked for (least privilege).
        return (select(Consult.client_id).join(ConsultAsk, ConsultAsk.consult_id == Consult.id)
                .where(ConsultAsk.user_id == actor.user_id))
    elif actor.role == "hap":
        org = organisation_of(actor)
        via_calls = select(Call.client_id).where(Call.organisation == org)
        own = select(Client.id).where(Client.created_org == org)
    else:
        return select(Client.id).where(sa.false())
    return sa.union(via_calls, own)


def can_see_client(session: Session, *, actor, client_id: int) -> bool:
    """Return whether the actor may read this client's data."""
    visible = visible_client_ids_query(actor).subquery()
    return session.scalar(select(sa.func.count()).select_from(visible).where(visible.c[0] == client_id)) > 0
