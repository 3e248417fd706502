"""The ranking function: order, exclusions by skill, reasons, travel estimate."""
import pytest

from backend.dispatch.recommend import (
    CATEGORY_SKILLS,
    Candidate,
    HaversineEstimator,
    haversine_km,
    rank,
    required_skills,
)

CLIENT = (52.0907, 5.1214)  # Utrecht centre


def nurse(nurse_id, lat=None, lon=None, skills=(), place="base", **kw):
    return Candidate(nurse_id, f"Nurse {nurse_id}", frozenset(skills), lat, lon, place, **kw)


def test_haversine_matches_a_known_distance():
    # Utrecht Centraal → Amsterdam Centraal is about 35 km as the crow flies.
    assert haversine_km(52.0894, 5.1101, 52.3791, 4.9003) == pytest.approx(35.1, abs=0.5)
    assert haversine_km(*CLIENT, *CLIENT) == 0


def test_estimate_applies_road_factor_and_speed():
    trip = HaversineEstimator(road_factor=1.5, speed_kmh=30).estimate((52.0, 5.0), (52.1, 5.0))
    straight = haversine_km(52.0, 5.0, 52.1, 5.0)
    assert trip.km == pytest.approx(straight * 1.5)
    assert trip.minutes == pytest.approx(straight * 1.5 / 30 * 60)


def test_category_skills_table():
    assert required_skills("iv_therapy") == {"iv_therapy"}
    assert required_skills("pg_crisis") == {"pg_crisis"}
    assert required_skills("palliative") == {"palliative"}
    assert required_skills("wound_care") == frozenset()
    assert all(isinstance(v, frozenset) for v in CATEGORY_SKILLS.values())


def test_nearest_first_and_missing_skill_excluded():
    near = nurse(1, 52.095, 5.125, skills={"iv_therapy"})
    far = nurse(2, 52.20, 5.30, skills={"iv_therapy"})
    unskilled = nurse(3, 52.0907, 5.1215)
    result = rank([far, unskilled, near], destination=CLIENT, category="iv_therapy", urgency="U3")
    assert [r.nurse_id for r in result] == [1, 2]
    top = result[0]
    assert top.eta_minutes >= 1 and top.distance_km < 1
    assert top.reasons[0].startswith(f"{top.distance_km:.1f} km, ~{top.eta_minutes} min".replace(".", ","))
    assert "heeft IV-bevoegdheid" in top.reasons
    assert result[0].score > result[1].score


def test_urgency_decides_how_much_load_weighs_against_distance():
    idle_far = nurse(1, 52.160, 5.1214)  # ~7.8 km away, free
    busy_near = nurse(2, 52.095, 5.1214, recent_calls=1)  # ~0.5 km away, one call earlier tonight
    u2 = rank([idle_far, busy_near], destination=CLIENT, category="wound_care", urgency="U2")
    u5 = rank([idle_far, busy_near], destination=CLIENT, category="wound_care", urgency="U5")
    assert [r.nurse_id for r in u2] == [2, 1]  # at U2 the nearest nurse goes
    assert [r.nurse_id for r in u5] == [1, 2]  # a U5 call can wait for the free nurse
    assert "1 melding in de afgelopen 8 uur" in u5[1].reasons
    assert "geen andere meldingen" in u5[0].reasons


def test_unknown_place_ranks_last_but_is_listed():
    placeless = nurse(1)
    far = nurse(2, 52.40, 5.50)
    result = rank([placeless, far], destination=CLIENT, category="other", urgency="U3")
    assert [r.nurse_id for r in result] == [2, 1]
    assert result[1].eta_minutes is None and "geen bekende locatie" in result[1].reasons


def test_last_visit_place_is_named_and_ties_break_on_id():
    a = nurse(7, 52.095, 5.125, place="last_visit")
    b = nurse(3, 52.095, 5.125)
    result = rank([a, b], destination=CLIENT, category="other", urgency="U4")
    assert [r.nurse_id for r in result] == [3, 7]
    assert "vanaf laatste bezoek" in result[1].reasons[0]
    assert result[0].as_dict().keys() == {"nurse_id", "name", "score", "distance_km", "eta_minutes", "reasons"}


def test_an_open_offer_weighs_double_and_a_decline_goes_to_the_back():
    offered = nurse(1, 52.095, 5.125, pending_offers=1)
    recent = nurse(2, 52.095, 5.125, recent_calls=1)
    declined = nurse(3, 52.091, 5.1214, declined=True)
    result = rank([offered, recent, declined], destination=CLIENT, category="other", urgency="U4")
    assert [r.nurse_id for r in result] == [2, 1, 3]
    assert "1 openstaand aanbod" in result[1].reasons
    assert "weigerde deze melding eerder of reageerde niet" in result[2].reasons
