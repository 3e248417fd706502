"""Publishing a period, changes to published shifts pushed and kept, and swaps checked for both nurses — through
the API, with pushes caught by the local push receiver."""
from datetime import date

from icalendar import Calendar

from backend.roster.models import RosterShiftType
from tests.dispatch.dispatch_fixtures import logged_in, pusher, receiver, subscribe  # noqa: F401
from tests.factories import make_user

MONDAY = date(2026, 11, 30)  # the app clock's START is Wednesday 25 November


def team(session):
    for code, name, start, end in (("early", "Vroege dienst", "06:00", "14:00"),
                                   ("evening", "Avonddienst", "15:00", "23:00"),
                                   ("night", "Nachtdienst", "23:00", "07:30")):
        session.add(RosterShiftType(team="acute", code=code, name=name, start_time=start, end_time=end,
                                    min_staff=0))
    session.commit()
    lead = make_user(session, role="team_lead", team="acute", name="Lotte Leider")
    anna, bram, chantal = (make_user(session, team="acute", name=n) for n in ("Anna", "Bram", "Chantal"))
    return lead, anna, bram, chantal


def put(client, headers, nurse, shift, day):
    response = client.post("/api/roster/assignments", json={"nurse_id": nurse.id, "shift": shift,
                                                             "day": day.isoformat()}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def events(client, headers, narrowed=""):
    return [e["kind"] for e in client.get(f"/api/roster/events?team=acute&from=2026-11-01&to=2027-01-01{narrowed}",
                                          headers=headers).get_json()]


def test_publish_pushes_every_nurse_and_a_change_pushes_only_whom_it_touches(app, session, pusher, receiver):  # noqa: F811
    lead, anna, bram, _chantal = team(session)
    client, headers = logged_in(app, lead)
    put(client, headers, anna, "night", MONDAY)
    put(client, headers, bram, "evening", MONDAY.replace(day=1, month=12))
    subscribe(app, anna, receiver), subscribe(app, bram, receiver)
    assert receiver.delivered() == []  # nothing published yet: no news
    # A roster that breaks a rule is not published: Anna's evening 7.5 h after her night.
    evening = put(client, headers, anna, "evening", MONDAY.replace(day=1, month=12))
    period = {"team": "acute", "start_date": "2026-11-30", "end_date": "2026-12-06"}
    refused = client.post("/api/roster/publications", json=period, headers=headers)
    assert refused.status_code == 409
    assert "Anna: maar 7.5 uur rust" in refused.get_json()["message"]
    assert client.delete(f"/api/roster/assignments/{evening['id']}", headers=headers).status_code == 204
    response = client.post("/api/roster/publications", json=period, headers=headers)
    assert response.status_code == 201
    messages = receiver.delivered()
    assert sorted(m.payload["type"] for m in messages) == ["roster_published"] * 2
    assert {m.payload["body"] for m in messages} == {"Het rooster van 30 nov t/m 6 dec staat klaar: je hebt 1 dienst(en)."}
    # A change in the published period reaches Bram only, and stays in the history.
    receiver.messages.clear()
    added = put(client, headers, bram, "night", MONDAY.replace(day=3, month=12))
    [message] = receiver.delivered()
    assert message.payload["type"] == "roster_changed" and message.payload["title"] == "Je rooster is gewijzigd"
    assert message.payload["body"] == "Je staat nu ingeroosterd: night do 3 dec 23:00."
    assert client.delete(f"/api/roster/assignments/{added['id']}", headers=headers).status_code == 204
    assert receiver.delivered()[-1].payload["body"] == "Je dienst night do 3 dec 23:00 is uit het rooster gehaald."
    assert events(client, headers) == ["published", "changed", "changed"]
    assert events(client, headers, f"&nurse_id={anna.id}") == ["published"]  # the team lead narrows to one nurse
    # Bram sees the events touching him; Anna only the publication.
    anna_client, anna_headers = logged_in(app, anna)
    assert events(anna_client, anna_headers) == ["published"]
    # The published shift is confirmed in the calendar.
    ics = anna_client.get(f"/api/roster/nurses/{anna.id}/calendar.ics", headers=anna_headers).data
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["status"]) == "CONFIRMED"


def test_a_swap_refused_for_the_takers_rest_then_taken_approved_and_in_ical(app, session, pusher, receiver):  # noqa: F811
    lead, anna, bram, chantal = team(session)
    lead_client, lead_headers = logged_in(app, lead)
    wednesday = MONDAY.replace(day=2, month=12)
    offered = put(lead_client, lead_headers, anna, "early", wednesday)  # Wed 06:00-14:00
    put(lead_client, lead_headers, bram, "evening", MONDAY.replace(day=1, month=12))  # Tue 15:00-23:00
    lead_client.post("/api/roster/publications", json={"team": "acute", "start_date": "2026-11-30",
                                                       "end_date": "2026-12-06"}, headers=lead_headers)
    anna_client, anna_headers = logged_in(app, anna)
    swap = anna_client.post("/api/roster/swaps", json={"assignment_id": offered["id"]}, headers=anna_headers)
    assert swap.status_code == 201 and swap.get_json()["status"] == "offered"
    swap_id = swap.get_json()["id"]
    # Bram would have 7 hours between his evening and the early shift: refused, in Dutch, nothing changed.
    bram_client, bram_headers = logged_in(app, bram)
    refused = bram_client.post(f"/api/roster/swaps/{swap_id}/take", headers=bram_headers)
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["message"].startswith("Deze ruil kan niet: Bram: maar 7.0 uur rust tussen Avonddienst di 1 dec")
    assert "minimaal 11 uur nodig" in body["message"]
    assert lead_client.get("/api/roster/swaps?team=acute", headers=lead_headers).get_json()[0]["status"] == "offered"
    # Chantal is free: she takes it, the team lead approves, the shift is hers.
    subscribe(app, anna, receiver), subscribe(app, chantal, receiver), subscribe(app, lead, receiver)
    chantal_client, chantal_headers = logged_in(app, chantal)
    taken = chantal_client.post(f"/api/roster/swaps/{swap_id}/take", headers=chantal_headers)
    assert taken.status_code == 200 and taken.get_json()["status"] == "taken"
    [to_lead] = receiver.delivered()
    assert to_lead.payload["title"] == "Ruil wacht op je akkoord"
    assert chantal_client.post(f"/api/roster/swaps/{swap_id}/approve", headers=chantal_headers).status_code == 403
    approved = lead_client.post(f"/api/roster/swaps/{swap_id}/approve", headers=lead_headers)
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert lead_client.post(f"/api/roster/swaps/{swap_id}/approve", headers=lead_headers).status_code == 409
    changed = [m for m in receiver.delivered() if m.payload["type"] == "roster_changed"]
    assert len(changed) == 2  # Anna and Chantal
    assert "Chantal werkt hem in plaats van Anna" in changed[0].payload["body"]
    assert events(lead_client, lead_headers) == ["published", "swap_offered", "swap_taken", "swap_approved",
                                                 "changed"]

    def calendar_starts(client, headers, nurse):
        ics = client.get(f"/api/roster/nurses/{nurse.id}/calendar.ics", headers=headers).data
        return [e["dtstart"].dt.isoformat() for e in Calendar.from_ical(ics).walk("VEVENT")]

    assert calendar_starts(chantal_client, chantal_headers, chantal) == ["2026-12-02T05:00:00+00:00"]
    assert calendar_starts(anna_client, anna_headers, anna) == []


def test_the_team_can_let_rule_clean_swaps_through_at_once(app, session, pusher):  # noqa: F811
    lead, anna, bram, _chantal = team(session)
    lead_client, lead_headers = logged_in(app, lead)
    assert lead_client.patch("/api/roster/rules/acute", json={"auto_approve_swaps": True},
                             headers=lead_headers).status_code == 200
    offered = put(lead_client, lead_headers, anna, "night", MONDAY)
    anna_client, anna_headers = logged_in(app, anna)
    swap_id = anna_client.post("/api/roster/swaps", json={"assignment_id": offered["id"]},
                               headers=anna_headers).get_json()["id"]
    bram_client, bram_headers = logged_in(app, bram)
    taken = bram_client.post(f"/api/roster/swaps/{swap_id}/take", headers=bram_headers)
    assert taken.status_code == 200 and taken.get_json()["status"] == "approved"
    week = lead_client.get("/api/roster/assignments?team=acute&from=2026-11-30&to=2026-12-07",
                           headers=lead_headers).get_json()
    assert [a["nurse_id"] for a in week] == [bram.id]
