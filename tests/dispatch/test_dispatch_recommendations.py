"""GET /api/calls/{id}/recommendations: who is listed, in which order, and why."""
from datetime import timedelta

from sqlmodel import select

from backend.audit.models import AuditEvent
from backend.dispatch import ranking, service
from tests.dispatch.dispatch_fixtures import logged_in, pusher  # noqa: F401
from tests.factories import actor, make_call, make_client, make_user

CLIENT = {"lat": 52.2525, "lon": 6.1590}


def test_order_and_exclusions(app, session, pusher):  # noqa: F811
    near = make_user(session, name="Dichtbij", skills=["iv_therapy"], base_lat=52.2600, base_lon=6.1600)
    far = make_user(session, name="Verder", skills=["iv_therapy", "palliative"], base_lat=52.3000, base_lon=6.2500)
    make_user(session, name="Vrij", skills=["iv_therapy"], availability="off_duty", base_lat=52.2526, base_lon=6.159)
    busy = make_user(session, name="Bezet", skills=["iv_therapy"], base_lat=52.2526, base_lon=6.159)
    make_user(session, name="Zonder IV", skills=["palliative"], base_lat=52.2526, base_lon=6.159)
    make_user(session, name="Ander team", team="fact", skills=["iv_therapy"], base_lat=52.2526, base_lon=6.159)
    make_user(session, role="coordinator", name="Coördinator", skills=["iv_therapy"])
    # The busy nurse holds another call.
    other = make_call(session, client=make_client(session, **CLIENT), category="wound_care")
    service.accept_call(session, actor=actor(busy), call_id=other.id, now=other.created_at)

    call = make_call(session, client=make_client(session, **CLIENT), category="iv_therapy")
    coordinator = make_user(session, role="coordinator")
    client, headers = logged_in(app, coordinator)
    response = client.get(f"/api/calls/{call.id}/recommendations")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [r["nurse_id"] for r in body] == [near.id, far.id]
    top = body[0]
    assert top["name"] == "Dichtbij"
    assert 0 < top["distance_km"] < 2 and top["eta_minutes"] >= 1
    assert top["reasons"][0] == f"{top['distance_km']:.1f}".replace(".", ",") + f" km, ~{top['eta_minutes']} min (vanaf standplaats)"
    assert "heeft IV-bevoegdheid" in top["reasons"]
    assert body[0]["score"] > body[1]["score"]
    assert [r["nurse_id"] for r in client.get(f"/api/calls/{call.id}/recommendations?limit=1").get_json()] == [near.id]
    assert client.get(f"/api/calls/{call.id}/recommendations?limit=0").status_code == 422
    # Reading recommendations uses the client's address: audited.
    session.expire_all()
    audited = session.exec(select(AuditEvent).where(AuditEvent.action == "call.recommendations")).all()
    assert [(a.user_id, a.client_id) for a in audited] == [(coordinator.id, call.client_id)] * 2  # two reads


def visited_next_door(session):
    """A nurse based far away who took a call next door to CLIENT and was on site there at t0; (nurse, t0)."""
    roaming = make_user(session, name="Onderweg", base_lat=52.40, base_lon=6.40)
    earlier = make_call(session, client=make_client(session, lat=52.2530, lon=6.1600), category="wound_care")
    t0 = earlier.created_at
    service.accept_call(session, actor=actor(roaming), call_id=earlier.id, now=t0)
    service.set_call_status(session, actor=actor(roaming), call_id=earlier.id, status="en_route", now=t0)
    service.set_call_status(session, actor=actor(roaming), call_id=earlier.id, status="on_site", now=t0)
    service.complete_call(session, actor=actor(roaming), call_id=earlier.id, now=t0 + timedelta(minutes=30))
    return roaming, t0


def test_last_visit_beats_base_and_load_counts(app, session, pusher):  # noqa: F811
    # Her base is far away, but her last visit (on site an hour ago) was next door to the new client.
    roaming, _ = visited_next_door(session)
    middle = make_user(session, name="Midden", base_lat=52.2800, base_lon=6.1590)

    call = make_call(session, client=make_client(session, **CLIENT), category="wound_care", urgency="U2")
    client, _ = logged_in(app, make_user(session, role="team_lead"))
    body = client.get(f"/api/calls/{call.id}/recommendations").get_json()
    assert [r["nurse_id"] for r in body] == [roaming.id, middle.id]
    assert "vanaf laatste bezoek" in body[0]["reasons"][0]
    assert "1 melding in de afgelopen 8 uur" in body[0]["reasons"]
    assert "geen andere meldingen" in body[1]["reasons"]


def test_the_last_place_counts_12_hours_and_a_call_taken_8(app, session, pusher):  # noqa: F811
    # The times of her calls are compared in the ranking's one query: her last visit is her place for 12 hours
    # after she got there, a call she took counts as load for 8.
    roaming, t0 = visited_next_door(session)
    call = make_call(session, client=make_client(session, **CLIENT), category="wound_care")

    def reasons(hours: float) -> list[str]:
        ranked = ranking.rank_for_call(session, call=call, now=t0 + timedelta(hours=hours))
        return next(r.reasons for r in ranked if r.nurse_id == roaming.id)

    assert "vanaf laatste bezoek" in reasons(7.9)[0] and "1 melding in de afgelopen 8 uur" in reasons(7.9)
    assert "vanaf laatste bezoek" in reasons(8.1)[0] and "geen andere meldingen" in reasons(8.1)
    assert "vanaf laatste bezoek" in reasons(11.9)[0]
    assert "vanaf standplaats" in reasons(12.1)[0]


def test_only_coordinator_and_team_lead_of_the_team(app, session, pusher):  # noqa: F811
    call = make_call(session)
    nurse_client, _ = logged_in(app, make_user(session))
    assert nurse_client.get(f"/api/calls/{call.id}/recommendations").status_code == 403
    other_team, _ = logged_in(app, make_user(session, role="coordinator", team="fact"))
    assert other_team.get(f"/api/calls/{call.id}/recommendations").status_code == 403
    assert app.test_client().get(f"/api/calls/{call.id}/recommendations").status_code == 401
    coordinator, _ = logged_in(app, make_user(session, role="coordinator"))
    assert coordinator.get("/api/calls/999999/recommendations").status_code == 404
