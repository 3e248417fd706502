"""Record that an offer reached the nurse's phone, as a call event the coordinator's board reads."""
from datetime import datetime

from sqlmodel import Session, select

from backend import errors
from backend.audit import service as audit
from backend.dispatch.models import Call, CallEvent

EVENT_TYPES = {"shown": "offer_shown", "failed": "offer_not_shown"}


def report_delivery(session: Session, *, actor, call_id: int, status: str, now: datetime) -> CallEvent:
    """Record one delivery report for the current offer; a repeated report returns the first one."""
    call = session.get(Call, call_id)
    if call is None:
        raise errors.NotFound(f"Melding {call_id} bestaat niet.")
    if call.nurse_id != actor.user_id or call.status != "offered" or call.offered_at is None:
        raise errors.Conflict("Deze melding is niet (meer) aan jou aangeboden.")
    earlier = session.exec(
        select(CallEvent).where(CallEvent.call_id == call.id, CallEvent.type.in_(tuple(EVENT_TYPES.values())),
                                CallEvent.nurse_id == actor.user_id, CallEvent.at >= call.offered_at)
    ).first()
    if earlier is not None:
        return earlier
    event = CallEvent(call_id=call.id, at=now, type=EVENT_TYPES[status], actor_id=actor.user_id,
                      from_status=call.status, to_status=call.status, nurse_id=actor.user_id,
                      detail={"offered_at": call.offered_at.isoformat()})
    session.add(event)
    audit.record(session, actor=actor, action="call.offer_delivery", client_id=call.client_id, now=now,
                 data="melding", detail={"call_id": call.id, "status": status})
    session.commit()
    return event
