"""Timed work of the capacity board, run by the clock process only."""
from datetime import datetime

from sqlmodel import Session

from backend import vocab
from backend.capacity import service
from backend.capacity.models import Location
from backend.clock import add_job
from backend.push import service as push


def remind_stale(session: Session, *, now: datetime) -> int:
    """Push the bed managers of each count not updated for 12 hours (once per stale period)."""
    claimed = service.claim_stale(session, now=now)
    for capacity in claimed:
        location = session.get(Location, capacity.location_id)
        push.notify(session, user_ids=service.bed_managers_of(session, organisation_id=location.organisation_id),
                    kind="capacity_stale", now=now, payload={
                        "type": "capacity_stale", "location_id": location.id, "bed_type": capacity.bed_type,
                        "title": "Klopt het aantal vrije bedden nog?",
                        "body": f"{location.name}, {vocab.dutch(vocab.BED_TYPES, capacity.bed_type)}: "
                                f"al {vocab.STALE_CAPACITY_HOURS} uur niet bijgewerkt.",
                        "url": "/#/bedden"})
    session.commit()
    return len(claimed)


def register(scheduler, app) -> None:
    """Add the capacity jobs to the clock process's scheduler."""
    add_job(scheduler, app, remind_stale, id="capacity.remind_stale", minutes=15)
