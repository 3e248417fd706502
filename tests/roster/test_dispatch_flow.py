"""On duty flows into dispatch: a rostered nurse becomes offerable when her shift starts."""
from datetime import date, datetime, timezone

import pytest

from backend import errors
from backend.dispatch import service as dispatch
from backend.roster import jobs, service
from backend.roster.models import RosterShiftType
from tests.factories import actor, make_call, make_user

UTC = timezone.utc


def test_rostered_nurse_can_be_offered_once_her_shift_runs(app, session, clock):
    session.add(RosterShiftType(team="acute", code="night", name="Nachtdienst", start_time="23:00",
                                end_time="07:30"))
    session.commit()
    lead = make_user(session, role="team_lead", team="acute")
    coordinator = make_user(session, role="coordinator", team="acute")
    sanne = make_user(session, availability="off_duty", availability_set_at=datetime(2026, 11, 25, 8, tzinfo=UTC))
    service.add_assignment(session, actor=actor(lead), data={"nurse_id": sanne.id, "shift": "night",
                                                             "day": date(2026, 11, 25)}, now=clock.now())
    clock.set(datetime(2026, 11, 25, 21, 0, tzinfo=UTC))  # 22:00 local: before her night
    call = make_call(session, now=clock.now())
    jobs.sync_availability(app)
    with pytest.raises(errors.Conflict):
        dispatch.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=sanne.id, now=clock.now())
    session.rollback()
    clock.advance(hours=1, minutes=5)  # 23:05 local: the night runs
    assert service.available_nurse_ids(session, team="acute", at=clock.now()) >= {sanne.id}
    jobs.sync_availability(app)
    session.commit()  # a new snapshot: see what the clock process wrote
    session.expire_all()
    offered = dispatch.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=sanne.id,
                                  now=clock.now())
    assert offered.status == "offered" and offered.nurse_id == sanne.id
