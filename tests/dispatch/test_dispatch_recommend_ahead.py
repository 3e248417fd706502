"""Ranking ahead: nurses free soon, scarce skills, the U2 reserve — and the automatic offer that waits."""
import random
from datetime import timedelta

from backend.dispatch import service
from backend.dispatch.models import Call
from backend.dispatch.recommend import (COVER_MINUTES, Ahead, BusyNurse, Candidate, HaversineEstimator, _Cover,
                                        free_in_minutes, rank_ahead)
from tests.dispatch.dispatch_fixtures import logged_in, pusher  # noqa: F401
from tests.factories import actor, make_call, make_client, make_user

DEST = (52.2540, 6.1630)  # Deventer centre
NEAR = (52.2600, 6.1700)  # ~0.8 km
FAR = (52.3370, 6.1100)  # Olst, ~10 km


def free(nurse_id, place, skills=()):
    return Candidate(nurse_id, f"Nurse {nurse_id}", frozenset(skills), *place)


def busy(nurse_id, place, free_in, skills=()):
    return BusyNurse(nurse_id, f"Nurse {nurse_id}", frozenset(skills), *place, free_in_minutes=free_in)


def ahead(available, busy_nurses=(), minutes_left=120.0):
    skills: dict[str, int] = {}
    for nurse in [*available, *busy_nurses]:
        for skill in nurse.skills:
            skills[skill] = skills.get(skill, 0) + 1
    return Ahead(available=list(available), busy=list(busy_nurses), on_duty_skills=skills,
                 minutes_left=minutes_left)


def test_free_in_estimates():
    assert free_in_minutes(status="on_site", minutes_since_accept=40, minutes_on_site=30, trip_minutes=10) == 10
    assert free_in_minutes(status="on_site", minutes_since_accept=90, minutes_on_site=80, trip_minutes=10) == 5
    assert free_in_minutes(status="en_route", minutes_since_accept=4, minutes_on_site=None, trip_minutes=10) == 46


def test_a_nurse_free_soon_near_by_beats_a_free_one_far_away():
    far = free(1, FAR)
    soon = busy(2, NEAR, free_in=10)
    ranked = rank_ahead([far], ahead=ahead([far], [soon], minutes_left=30), destination=DEST,
                        category="fall_assessment", urgency="U2")
    # The API lists only free nurses: the far one, with the reason to wait on top.
    assert [r.nurse_id for r in ranked] == [1]
    assert ranked[0].hold and ranked[0].hold.startswith("wacht op Nurse 2: over ~10 min vrij, 1,")
    assert ranked[0].hold in ranked[0].reasons


def test_no_waiting_when_the_free_nurse_is_as_quick():
    near = free(1, NEAR)
    soon = busy(2, DEST, free_in=10)
    ranked = rank_ahead([near], ahead=ahead([near], [soon]), destination=DEST, category="fall_assessment",
                        urgency="U2")
    assert ranked[0].hold is None


def test_a_busy_nurse_without_the_skill_is_no_reason_to_wait():
    far = free(1, FAR, skills=["iv_therapy"])
    soon = busy(2, DEST, free_in=5)
    ranked = rank_ahead([far], ahead=ahead([far], [soon], minutes_left=30), destination=DEST, category="iv_therapy",
                        urgency="U2")
    assert ranked[0].hold is None


def test_the_only_iv_nurse_on_duty_is_kept_for_iv_work():
    iv = free(1, NEAR, skills=["iv_therapy"])
    other = free(2, (52.2610, 6.1710))  # a few hundred metres further
    team = ahead([iv, other], minutes_left=120)
    ranked = rank_ahead([iv, other], ahead=team, destination=DEST, category="wound_care", urgency="U3")
    assert [r.nurse_id for r in ranked] == [2, 1]
    assert "enige IV-bevoegde in dienst" in ranked[1].reasons
    # For an IV call she is the one, and the skill is no cost.
    ranked = rank_ahead([iv], ahead=team, destination=DEST, category="iv_therapy", urgency="U3")
    assert "enige IV-bevoegde in dienst" not in ranked[0].reasons


def test_a_call_that_can_wait_keeps_a_reserve_for_u2_but_u2_never_waits_for_it():
    last = free(1, NEAR)
    team = ahead([last], minutes_left=480)
    ranked = rank_ahead([last], ahead=team, destination=DEST, category="wound_care", urgency="U4")
    assert ranked[0].hold.startswith("U4 kan wachten")
    assert "laatste vrije in de buurt" in ranked[0].reasons
    assert rank_ahead([last], ahead=ahead([last], minutes_left=30), destination=DEST, category="wound_care",
                      urgency="U2")[0].hold is None
    # Little slack left: it goes now.
    assert rank_ahead([last], ahead=ahead([last], minutes_left=100), destination=DEST, category="wound_care",
                      urgency="U4")[0].hold is None


def test_a_u3_keeps_the_last_free_nurse_only_while_the_rest_are_busy_for_a_while():
    last = free(1, NEAR)
    long_busy = [busy(2, FAR, free_in=35), busy(3, FAR, free_in=45)]
    ranked = rank_ahead([last], ahead=ahead([last], long_busy, minutes_left=120), destination=DEST,
                        category="fall_assessment", urgency="U3")
    assert ranked[0].hold.startswith("U3 kan wachten (nog ~")
    assert ranked[0].hold.endswith("1 vrije verpleegkundige achter de hand voor U2; niemand anders binnen ~20 min vrij")
    # A colleague likely free within 20 min is the reserve: the U3 goes now.
    soon = [busy(2, FAR, free_in=15), busy(3, FAR, free_in=45)]
    assert rank_ahead([last], ahead=ahead([last], soon, minutes_left=120), destination=DEST,
                      category="fall_assessment", urgency="U3")[0].hold is None
    # Another free nurse, or 90 min or less to spare after the trip: it goes now.
    other = free(4, FAR)
    assert rank_ahead([last, other], ahead=ahead([last, other], long_busy, minutes_left=120), destination=DEST,
                      category="fall_assessment", urgency="U3")[0].hold is None
    assert rank_ahead([last], ahead=ahead([last], long_busy, minutes_left=90), destination=DEST,
                      category="fall_assessment", urgency="U3")[0].hold is None
    # Alone on duty, nobody busy: no team to keep her for.
    assert rank_ahead([last], ahead=ahead([last], minutes_left=120), destination=DEST, category="fall_assessment",
                      urgency="U3")[0].hold is None


def test_area_cover_is_the_trip_to_the_nearest_other_free_nurse_beyond_cover_minutes():
    """The cover lookup (a latitude band, the haversine's inner term, covered both ways) gives what measuring
    every trip gives: exactly that trip's minutes when nobody is within COVER_MINUTES, else COVER_MINUTES."""
    rng = random.Random(16)
    beyond = set()
    for spread, start in [(0.01, 0.0), (0.1, 0.0), (0.3, 3.0), (1.5, 0.0)]:
        estimator = HaversineEstimator(start_minutes=start)
        nurses = [free(i, (52.25 + rng.uniform(-spread, spread), 6.16 + rng.uniform(-spread, spread)))
                  for i in range(40)]
        cover = _Cover(nurses, estimator)
        for nurse in rng.sample(nurses, len(nurses)):
            nearest = min(estimator.estimate((o.lat, o.lon), (nurse.lat, nurse.lon)).minutes
                          for o in nurses if o is not nurse)
            assert cover(nurse) == (nearest if nearest > COVER_MINUTES else COVER_MINUTES)
            beyond.add(nearest > COVER_MINUTES)
    assert beyond == {True, False}  # both answers were asked for
    assert _Cover([free(1, NEAR)], HaversineEstimator())(free(1, NEAR)) == float("inf")  # nobody else free


def test_auto_offer_waits_while_holding_and_offers_when_the_slack_runs_out(app, session, pusher):  # noqa: F811
    nurse = make_user(session, name="Enige")
    call = make_call(session, client=make_client(session, lat=52.2560, lon=6.1640), category="wound_care",
                     urgency="U4")
    assert service.offer_next(session, call_id=call.id, now=call.created_at, reason="automatisch") is None
    assert session.get(Call, call.id, populate_existing=True).status == "open"
    # The coordinator still sees her, with the reason the automatic offer waits.
    client, _ = logged_in(app, make_user(session, role="coordinator"))
    body = client.get(f"/api/calls/{call.id}/recommendations").get_json()
    assert [r["nurse_id"] for r in body] == [nurse.id]
    assert set(body[0]) == {"nurse_id", "name", "score", "distance_km", "eta_minutes", "reasons"}
    assert any(reason.startswith("U4 kan wachten") for reason in body[0]["reasons"])
    late = call.target_at - timedelta(minutes=100)
    offered = service.offer_next(session, call_id=call.id, now=late, reason="automatisch")
    assert offered is not None and offered.status == "offered" and offered.nurse_id == nurse.id
    service.accept_call(session, actor=actor(nurse), call_id=call.id, now=late)
