"""The figures read what the real services record: a call offered, accepted, on site, completed, handed over."""
from datetime import timedelta

from backend.dispatch import service as dispatch
from backend.outcomes import service
from backend.visits import handovers
from backend.visits import service as visits
from tests.factories import START, actor, make_call, make_user

M = timedelta(minutes=1)


def test_a_call_through_the_real_flow(session, clock):
    lead, coordinator = make_user(session, role="team_lead"), make_user(session, role="coordinator")
    nurse = make_user(session)
    call = make_call(session, urgency="U2", now=START)  # target: 30 minutes
    dispatch.offer_call(session, actor=actor(coordinator), call_id=call.id, nurse_id=nurse.id, now=START + M)
    dispatch.accept_call(session, actor=actor(nurse), call_id=call.id, now=START + 2 * M)
    record = visits.create_visit(session, actor=actor(nurse), data={"call_id": call.id}, now=START + 30 * M)
    session.commit()
    visits.complete_visit(session, actor=actor(nurse), visit_id=record.visit.id, data={"outcome": "home_resolved"},
                          now=START + 60 * M)
    session.commit()
    new = handovers.create_handover(session, actor=actor(nurse), data={
        "visit_id": record.visit.id, "recipient_type": "home_care", "recipient_name": "Thuiszorg Salland",
        "situation": "S", "background": "B", "assessment": "A", "recommendation": "R", "expires_in_hours": 72},
        now=START + 61 * M, base_url="http://127.0.0.1")
    session.commit()
    handovers.acknowledge(session, token=new.share_token, name="Wijkverpleegkundige Els", now=START + 91 * M,
                          meta={"request_id": "test", "ip": "127.0.0.1", "user_agent": "test"})
    session.commit()
    # a re-call by the same client 2 days later
    make_call(session, client=call.client, urgency="U4", now=START + 2 * 24 * 60 * M)

    f = service.period_figures(session, actor=actor(lead), now=START, start=START - 60 * M, end=START + 3 * 24 * 60 * M)
    assert f.calls.total == 2 and f.completed == 1
    assert (f.response.on_site, f.response.within_target, f.response.p50_minutes) == (1, 1, 30.0)  # exactly on target
    assert (f.outcomes, f.home_pct) == ({"home_resolved": 1}, 100.0)
    assert (f.handovers.total, f.handovers.acknowledged_pct, f.handovers.p50_ack_minutes) == (1, 100.0, 30.0)
    assert (f.offers.offered, f.offers.first_offer_accepted_pct, f.offers.escalations) == (1, 100.0, 0)
    assert (f.recalls_72h, f.recalls_30d) == (1, 1)
