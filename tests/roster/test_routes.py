"""The roster API: shift types, generate, adopt, edit by hand, check, calendar, rules, alerts."""
from datetime import date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar
from sqlmodel import select

from backend.roster.models import RosterAssignment, RosterProposal, RosterShiftType
from tests.factories import login, make_user

UTC = timezone.utc
MONDAY = date(2026, 11, 30)  # the week after the fixed clock's Wednesday 25 November


@pytest.fixture(autouse=True)
def quick_solver(app):
    app.config["ROSTER_TIME_LIMIT"] = 3.0


def shift_types(session, team="acute"):
    session.add_all([
        RosterShiftType(team=team, code="evening", name="Avonddienst", start_time="15:00", end_time="23:00",
                        min_staff=1, skill_needs=[{"any_of": ["iv_therapy"], "count": 1}]),
        RosterShiftType(team=team, code="night", name="Nachtdienst", start_time="23:00", end_time="07:30",
                        min_staff=1, skill_needs=[{"any_of": ["hbo", "vs"], "count": 1}]),
    ])
    session.commit()


def lead_client(client, session, team="acute"):
    lead = make_user(session, role="team_lead", team=team)
    csrf = login(client, lead.username)
    return lead, {"X-CSRF-Token": csrf}


def nurses(session, count, skills=("hbo", "iv_therapy"), team="acute"):
    return [make_user(session, team=team, skills=list(skills)) for _ in range(count)]


def generate(client, headers, start=MONDAY, days=7, team="acute"):
    return client.post("/api/roster/generate", headers=headers, json={
        "team": team, "start_date": start.isoformat(), "end_date": (start + timedelta(days=days - 1)).isoformat()})


def test_team_lead_generates_a_lawful_proposal(client, session):
    shift_types(session)
    staff = nurses(session, 5)
    _lead, headers = lead_client(client, session)
    response = generate(client, headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "proposal" and body["solver_status"] in ("OPTIMAL", "FEASIBLE")
    assert body["violations"] == [] and body["unfilled"] == []
    assert len(body["assignments"]) == 14
    first = body["assignments"][0]
    assert set(first) >= {"nurse_id", "shift", "start", "end"}
    assert first["nurse_id"] in {n.id for n in staff}
    # Aware ISO 8601 with offset; Monday's evening is 15:00 CET.
    evening = next(a for a in body["assignments"] if a["shift"] == "evening" and a["day"] == MONDAY.isoformat())
    assert evening["start"] == "2026-11-30T14:00:00+00:00" and evening["end"] == "2026-11-30T22:00:00+00:00"
    # Nothing adopted yet.
    listed = client.get(f"/api/roster/assignments?team=acute&from={MONDAY}&to={MONDAY + timedelta(days=7)}")
    assert listed.status_code == 200 and listed.get_json() == []


def test_adopt_makes_the_roster_and_twice_is_a_conflict(client, session):
    shift_types(session)
    nurses(session, 5)
    _lead, headers = lead_client(client, session)
    proposal = generate(client, headers).get_json()
    adopted = client.post(f"/api/roster/proposals/{proposal['id']}/adopt", headers=headers)
    assert adopted.status_code == 200
    assert len(adopted.get_json()) == 14
    listed = client.get(f"/api/roster/assignments?team=acute&from={MONDAY}&to={MONDAY + timedelta(days=7)}")
    assert {(a["nurse_id"], a["shift"], a["start"]) for a in listed.get_json()} == {
        (a["nurse_id"], a["shift"], a["start"]) for a in proposal["assignments"]}
    again = client.post(f"/api/roster/proposals/{proposal['id']}/adopt", headers=headers)
    assert again.status_code == 409
    assert again.get_json()["code"] == 409 and "message" in again.get_json()
    check = client.get(f"/api/roster/check?team=acute&from={MONDAY}&to={MONDAY + timedelta(days=7)}")
    assert check.status_code == 200 and check.get_json() == []


def test_readopting_a_new_proposal_replaces_the_period(client, session):
    shift_types(session)
    nurses(session, 5)
    _lead, headers = lead_client(client, session)
    first = generate(client, headers).get_json()
    second = generate(client, headers).get_json()
    assert client.post(f"/api/roster/proposals/{first['id']}/adopt", headers=headers).status_code == 200
    # Adopting one proposal makes the other (same period) stale.
    assert client.post(f"/api/roster/proposals/{second['id']}/adopt", headers=headers).status_code == 409
    third = generate(client, headers).get_json()
    assert client.post(f"/api/roster/proposals/{third['id']}/adopt", headers=headers).status_code == 200
    session.commit()
    rows = session.exec(select(RosterAssignment)).all()
    assert len(rows) == 14 and {r.proposal_id for r in rows} == {third["id"]}


def test_hand_edits_that_break_rules_are_reported_in_dutch(client, session):
    shift_types(session)
    anna, bram = nurses(session, 2)
    _lead, headers = lead_client(client, session)
    made = client.post("/api/roster/assignments", headers=headers,
                       json={"nurse_id": anna.id, "shift": "night", "day": MONDAY.isoformat()})
    assert made.status_code == 201
    assert made.get_json()["start"] == "2026-11-30T22:00:00+00:00"
    # Night ends Tuesday 07:30; Tuesday's evening at 15:00 is 7.5 h later.
    assert client.post("/api/roster/assignments", headers=headers, json={
        "nurse_id": anna.id, "shift": "evening", "day": (MONDAY + timedelta(days=1)).isoformat()}).status_code == 201
    check = client.get(f"/api/roster/check?team=acute&from={MONDAY}&to={MONDAY + timedelta(days=2)}")
    assert check.status_code == 200
    found = check.get_json()
    rules = [v for v in found if v["kind"] == "rule"]
    assert [(v["rule"], v["nurse_id"]) for v in rules] == [("rest", anna.id)]
    assert "7.5 uur rust" in rules[0]["message"] and "minimaal 14 uur" in rules[0]["message"]
    gaps = [v for v in found if v["kind"] == "gap"]
    # Monday evening and Tuesday night have nobody.
    assert {(g["rule"], g["start"]) for g in gaps} >= {("understaffed", "2026-11-30T14:00:00+00:00"),
                                                       ("understaffed", "2026-12-01T22:00:00+00:00")}
    assert all(set(v) >= {"rule", "nurse_id", "start", "end", "message"} for v in found)
    # Bram is free on Monday evening: the check says he could still be rostered.
    monday_evening = [g for g in gaps if g["start"] == "2026-11-30T14:00:00+00:00"]
    assert all("roosteren kan nog" in g["message"] for g in monday_evening)


def test_manual_assignment_validation(client, session):
    shift_types(session)
    other_team = make_user(session, team="fact")
    (anna,) = nurses(session, 1)
    _lead, headers = lead_client(client, session)
    bad = client.post("/api/roster/assignments", headers=headers,
                      json={"nurse_id": other_team.id, "shift": "night", "day": MONDAY.isoformat()})
    assert bad.status_code == 422
    unknown = client.post("/api/roster/assignments", headers=headers,
                          json={"nurse_id": anna.id, "shift": "brunch", "day": MONDAY.isoformat()})
    assert unknown.status_code == 422
    extra = client.post("/api/roster/assignments", headers=headers,
                        json={"nurse_id": anna.id, "shift": "night", "day": MONDAY.isoformat(), "x": 1})
    assert extra.status_code == 422
    ok = client.post("/api/roster/assignments", headers=headers,
                     json={"nurse_id": anna.id, "shift": "night", "day": MONDAY.isoformat()})
    assert ok.status_code == 201
    twice = client.post("/api/roster/assignments", headers=headers,
                        json={"nurse_id": anna.id, "shift": "night", "day": MONDAY.isoformat()})
    assert twice.status_code == 409
    session.commit()
    assert len(session.exec(select(RosterAssignment)).all()) == 1


def test_pinned_assignments_survive_replanning(client, session):
    shift_types(session)
    staff = nurses(session, 5)
    _lead, headers = lead_client(client, session)
    wednesday = MONDAY + timedelta(days=2)
    made = client.post("/api/roster/assignments", headers=headers, json={
        "nurse_id": staff[4].id, "shift": "night", "day": wednesday.isoformat(), "pinned": True}).get_json()
    unpinned = client.post("/api/roster/assignments", headers=headers, json={
        "nurse_id": staff[3].id, "shift": "evening", "day": wednesday.isoformat()}).get_json()
    assert client.patch(f"/api/roster/assignments/{unpinned['id']}", headers=headers,
                        json={"pinned": False}).status_code == 200
    proposal = generate(client, headers).get_json()
    night = [a for a in proposal["assignments"] if a["shift"] == "night" and a["day"] == wednesday.isoformat()]
    assert [(a["nurse_id"], a["pinned"]) for a in night] == [(made["nurse_id"], True)]
    assert proposal["violations"] == []
    adopted = client.post(f"/api/roster/proposals/{proposal['id']}/adopt", headers=headers).get_json()
    assert any(a["nurse_id"] == made["nurse_id"] and a["pinned"] and a["shift"] == "night" for a in adopted)


def test_pins_that_break_a_rule_give_422_with_the_reason(client, session):
    shift_types(session)
    (anna,) = nurses(session, 1)
    _lead, headers = lead_client(client, session)
    for shift, day in (("night", MONDAY), ("evening", MONDAY + timedelta(days=1))):
        client.post("/api/roster/assignments", headers=headers,
                    json={"nurse_id": anna.id, "shift": shift, "day": day.isoformat(), "pinned": True})
    response = generate(client, headers)
    assert response.status_code == 422
    body = response.get_json()
    assert "harde regel" in body["message"]
    assert [v["rule"] for v in body["violations"]] == ["rest"]
    session.commit()
    assert len(session.exec(select(RosterProposal)).all()) == 0


def test_rostered_night_before_the_period_is_respected(client, session):
    shift_types(session)
    anna, bram = nurses(session, 2)
    _lead, headers = lead_client(client, session)
    # Anna works the Sunday night before the period: she cannot do Monday's evening (7.5 h rest).
    client.post("/api/roster/assignments", headers=headers,
                json={"nurse_id": anna.id, "shift": "night", "day": (MONDAY - timedelta(days=1)).isoformat()})
    proposal = generate(client, headers, days=1).get_json()
    evening = [a for a in proposal["assignments"] if a["shift"] == "evening"]
    assert [a["nurse_id"] for a in evening] == [bram.id]
    assert all(a["day"] == MONDAY.isoformat() for a in proposal["assignments"])


def test_needs_nobody_can_meet_are_reported_not_crashed(client, session):
    shift_types(session)
    nurses(session, 2, skills=("level4",))
    _lead, headers = lead_client(client, session)
    response = generate(client, headers, days=2)
    assert response.status_code == 201
    body = response.get_json()
    assert body["violations"] == []
    assert len(body["unfilled"]) == 4
    reasons = {m["reason"] for gap in body["unfilled"] for m in gap["missing"]}
    assert "Niemand in het team is IV-therapie." in reasons
    assert "Niemand in het team is HBO-verpleegkundige of verpleegkundig specialist." in reasons
    assert all(gap["message"] for gap in body["unfilled"])


def test_generate_refuses_bad_requests(client, session):
    shift_types(session)
    nurses(session, 2)
    nurse = make_user(session)
    _lead, headers = lead_client(client, session)
    backwards = client.post("/api/roster/generate", headers=headers, json={
        "team": "acute", "start_date": "2026-12-07", "end_date": "2026-12-01"})
    assert backwards.status_code == 422
    too_long = generate(client, headers, days=60)
    assert too_long.status_code == 422
    no_types = generate(client, headers, team="fact")
    assert no_types.status_code == 403  # an acute team lead may not plan fact
    client.post("/api/auth/logout", headers=headers)
    nurse_headers = {"X-CSRF-Token": login(client, nurse.username)}
    assert generate(client, nurse_headers).status_code == 403
    client.post("/api/auth/logout", headers=nurse_headers)
    assert generate(client, {}).status_code == 401
    session.commit()
    assert len(session.exec(select(RosterProposal)).all()) == 0


def test_team_without_shift_types_gets_a_clear_422(client, session):
    nurses(session, 2, team="fact")
    _lead, headers = lead_client(client, session, team="fact")
    response = generate(client, headers, team="fact")
    assert response.status_code == 422
    assert "diensttypen" in response.get_json()["message"]


def test_nurse_reads_her_own_shifts_and_calendar(client, session):
    shift_types(session)
    anna, bram = nurses(session, 2)
    _lead, headers = lead_client(client, session)
    for nurse, shift, day in ((anna, "night", MONDAY), (bram, "evening", MONDAY),
                              (anna, "evening", MONDAY + timedelta(days=3))):
        client.post("/api/roster/assignments", headers=headers,
                    json={"nurse_id": nurse.id, "shift": shift, "day": day.isoformat()})
    lead_ics = client.get(f"/api/roster/nurses/{anna.id}/calendar.ics")
    assert lead_ics.status_code == 200 and lead_ics.mimetype == "text/calendar"
    client.post("/api/auth/logout", headers=headers)
    login(client, anna.username)
    mine = client.get(f"/api/roster/assignments?from={MONDAY}&to={MONDAY + timedelta(days=7)}").get_json()
    assert {a["nurse_id"] for a in mine} == {anna.id} and len(mine) == 2
    assert client.get(f"/api/roster/assignments?nurse_id={bram.id}").status_code == 403
    response = client.get(f"/api/roster/nurses/{anna.id}/calendar.ics")
    assert response.status_code == 200
    events = sorted(Calendar.from_ical(response.data).walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [e.decoded("dtstart") for e in events] == [datetime(2026, 11, 30, 22, 0, tzinfo=UTC),
                                                     datetime(2026, 12, 3, 14, 0, tzinfo=UTC)]
    assert str(events[0]["summary"]) == "Nachtdienst (acute)"
    assert client.get(f"/api/roster/nurses/{bram.id}/calendar.ics").status_code == 403


def test_shift_types_contracts_rules_unavailability_and_wishes(client, session):
    (anna,) = nurses(session, 1)
    _lead, headers = lead_client(client, session)
    created = client.post("/api/roster/shift-types", headers=headers, json={
        "code": "night", "name": "Nachtdienst", "start_time": "23:00", "end_time": "07:30", "min_staff": 3,
        "skill_needs": [{"any_of": ["iv_therapy"]}, {"any_of": ["hbo", "vs"], "count": 1}]})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["team"] == "acute" and created.get_json()["weekdays"] == list(range(7))
    assert client.post("/api/roster/shift-types", headers=headers, json={
        "code": "late", "name": "Laat", "start_time": "25:00", "end_time": "07:30"}).status_code == 422
    assert client.post("/api/roster/shift-types", headers=headers, json={
        "code": "night", "name": "Dubbel", "start_time": "23:00", "end_time": "07:30"}).status_code == 409
    changed = client.patch(f"/api/roster/shift-types/{created.get_json()['id']}", headers=headers,
                           json={"min_staff": 2})
    assert changed.status_code == 200 and changed.get_json()["min_staff"] == 2
    listed = client.get("/api/roster/shift-types?team=acute").get_json()
    assert [t["code"] for t in listed] == ["night"]
    contract = client.put(f"/api/roster/nurses/{anna.id}/contract", headers=headers, json={"hours_per_week": 32})
    assert contract.status_code == 200 and contract.get_json()["hours_per_week"] == 32
    assert client.put(f"/api/roster/nurses/{anna.id}/contract", headers=headers,
                      json={"hours_per_week": 80}).status_code == 422
    team = client.get("/api/roster/nurses?team=acute").get_json()
    assert team == [{"id": anna.id, "name": anna.name, "skills": ["hbo", "iv_therapy"], "contract_hours": 32.0}]
    rules = client.patch("/api/roster/rules/acute", headers=headers, json={"max_hours_per_week": 48})
    assert rules.status_code == 200 and rules.get_json()["max_hours_per_week"] == 48
    assert rules.get_json()["night_rest_hours"] == 14
    leave = client.post("/api/roster/unavailability", headers=headers, json={
        "nurse_id": anna.id, "start": "2026-12-01T00:00:00+01:00", "end": "2026-12-03T00:00:00+01:00",
        "reason": "verlof"})
    assert leave.status_code == 201 and leave.get_json()["nurse_id"] == anna.id
    assert client.post("/api/roster/unavailability", headers=headers, json={
        "nurse_id": anna.id, "start": "2026-12-03T00:00:00+01:00", "end": "2026-12-01T00:00:00+01:00"}
    ).status_code == 422
    wish = client.post("/api/roster/wishes", headers=headers, json={"nurse_id": anna.id, "day": "2026-12-05"})
    assert wish.status_code == 201 and wish.get_json()["want"] is False
    window = client.get(f"/api/roster/unavailability?team=acute&from={MONDAY}&to={MONDAY + timedelta(days=7)}")
    assert [u["reason"] for u in window.get_json()] == ["verlof"]


def test_nurse_records_her_own_unavailability_only(client, session):
    anna, bram = nurses(session, 2)
    headers = {"X-CSRF-Token": login(client, anna.username)}
    own = client.post("/api/roster/unavailability", headers=headers, json={
        "start": "2026-12-01T00:00:00+01:00", "end": "2026-12-02T00:00:00+01:00", "reason": "cursus"})
    assert own.status_code == 201 and own.get_json()["nurse_id"] == anna.id
    other = client.post("/api/roster/unavailability", headers=headers, json={
        "nurse_id": bram.id, "start": "2026-12-01T00:00:00+01:00", "end": "2026-12-02T00:00:00+01:00"})
    assert other.status_code == 403
    assert client.delete(f"/api/roster/unavailability/{own.get_json()['id']}", headers=headers).status_code == 204


def test_a_window_listing_narrows_to_one_nurse_and_a_nurse_only_to_herself(client, session):
    shift_types(session)
    anna, bram = nurses(session, 2)
    _lead, headers = lead_client(client, session)
    for nurse in (anna, bram):
        assert client.post("/api/roster/assignments", headers=headers, json={
            "nurse_id": nurse.id, "shift": "evening", "day": MONDAY.isoformat()}).status_code == 201
        assert client.post("/api/roster/unavailability", headers=headers, json={
            "nurse_id": nurse.id, "start": "2026-12-02T00:00:00+01:00", "end": "2026-12-03T00:00:00+01:00",
            "reason": "verlof"}).status_code == 201
        assert client.post("/api/roster/wishes", headers=headers, json={
            "nurse_id": nurse.id, "day": "2026-12-05"}).status_code == 201
    window = f"team=acute&from={MONDAY}&to={MONDAY + timedelta(days=7)}"
    listings = ("assignments", "unavailability", "wishes")
    for listing in listings:
        whole = client.get(f"/api/roster/{listing}?{window}").get_json()
        assert sorted(row["nurse_id"] for row in whole) == sorted((anna.id, bram.id)), listing
        narrowed = client.get(f"/api/roster/{listing}?{window}&nurse_id={bram.id}").get_json()
        assert [row["nurse_id"] for row in narrowed] == [bram.id], listing
        assert client.get(f"/api/roster/{listing}?{window}&nurse_id=999999").get_json() == [], listing
    client.post("/api/auth/logout", headers=headers)
    login(client, anna.username)
    for listing in (*listings, "events"):
        refused = client.get(f"/api/roster/{listing}?nurse_id={bram.id}")
        assert refused.status_code == 403, listing
        assert refused.get_json()["message"] == "Een verpleegkundige ziet alleen haar eigen rooster."
    for listing in listings:
        mine = client.get(f"/api/roster/{listing}?{window}&nurse_id={anna.id}").get_json()
        assert [row["nurse_id"] for row in mine] == [anna.id], listing


def test_check_needs_a_window_with_offsets(client, session):
    _lead, headers = lead_client(client, session)
    assert client.get("/api/roster/check?team=acute&from=2026-12-01T00:00:00&to=2026-12-02").status_code == 422
    assert client.get("/api/roster/check?team=acute&from=2026-12-02&to=2026-12-01").status_code == 422
    assert client.get("/api/roster/check?team=acute").status_code == 422
