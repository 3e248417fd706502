"""A nurse's own availability: available or off duty (busy is the state machine's to set)."""
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from backend import errors
from backend.dispatch import service
from backend.dispatch.models import Call
from backend.identity.models import User
from backend.push.worker import after_commit


def set_my_status(session: Session, *, actor, status: str, now: datetime) -> User:
    """A nurse says she is available or off duty; busy is the system's to set while she holds a call."""
    if actor.role != "nurse":
        raise errors.Forbidden("Alleen een verpleegkundige heeft een beschikbaarheid.")
    result = session.execute(
        sa.update(User)
        .where(User.id == actor.user_id, User.availability != "busy")
        .values(availability=status, availability_set_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise errors.Conflict("Je hebt een lopende melding: rond die eerst af.", extra={"availability": "busy"})
    if status == "off_duty":
        # Offers waiting for her run out now, so the clock and the ladder move them on at once.
        offered = session.scalars(
            select(Call.id).where(Call.status == "offered", Call.nurse_id == actor.user_id)
        ).all()
        if offered:
            session.execute(
                sa.update(Call).where(Call.id.in_(offered), Call.status == "offered")
                .values(offer_expires_at=now).execution_options(synchronize_session=False)
            )
            after_commit(session, expire_offers_task, call_ids=list(offered))
    session.commit()
    return session.get(User, actor.user_id, populate_existing=True)


def expire_offers_task(session: Session, *, now: datetime, call_ids: list[int]) -> None:
    """After a commit: expire these offers now (their nurse went off duty)."""
    for call_id in call_ids:
        service.expire_offer(session, call_id=call_id, now=now)
