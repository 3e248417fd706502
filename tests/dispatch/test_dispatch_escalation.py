"""The escalation ladder on an injected clock: next nurse, coordinators, team lead; restarts lose nothing."""
from datetime import timedelta


from backend import create_app
from backend.clock import build_scheduler
from backend.dispatch.models import Call
from backend.identity.models import Team
from tests.dispatch.dispatch_fixtures import logged_in, outbox, receiver, pusher, subscribe, tick  # noqa: F401
from tests.factories import make_client, make_user

# Clients the HAP (factories: organisation "HAP Deventer") registered itself, so it may raise calls for them.
BY_HAP = {"created_team": None, "created_org": "HAP Deventer"}
CALL = {"team": "acute", "category": "fall_assessment", "urgency": "U2", "complaint": "Gevallen, kan niet opstaan.",
        "source": "hap"}


def auto_offer(session, on=True):
    team = session.get(Team, "acute")
    team.auto_offer = on
    session.add(team)
    session.commit()


def pushes(receiver, kind):
    return [m.payload for m in receiver.delivered() if m.payload["type"] == kind]


def kinds_by_user(receiver, subs):
    """Map each subscription's owner to the push types it received, in order."""
    by_token = {sub["endpoint"].rsplit("/", 1)[1]: owner for owner, sub in subs.items()}
    result = {owner: [] for owner in subs}
    for m in receiver.delivered():
        result[by_token[m.token]].append(m.payload["type"])
    return result


def test_escalation_ladder(app, session, pusher, receiver, clock):  # noqa: F811
    auto_offer(session)
    place = make_client(session, lat=52.2525, lon=6.1590, **BY_HAP)
    anna = make_user(session, name="Anna", base_lat=52.2530, base_lon=6.1600)  # nearest
    bram = make_user(session, name="Bram", base_lat=52.2700, base_lon=6.1600)
    chantal = make_user(session, name="Chantal", base_lat=52.3000, base_lon=6.1600)
    daan = make_user(session, name="Daan", availability="off_duty", base_lat=52.2526, base_lon=6.1591)
    coordinator = make_user(session, role="coordinator")
    lead = make_user(session, role="team_lead")
    hap = make_user(session, role="hap")
    people = {"anna": anna, "bram": bram, "chantal": chantal, "daan": daan, "coordinator": coordinator,
              "lead": lead}
    subs = {name: subscribe(app, user, receiver) for name, user in people.items()}

    hap_client, hap_headers = logged_in(app, hap)
    created = hap_client.post("/api/calls", json={**CALL, "client_id": place.id}, headers=hap_headers)
    assert created.status_code == 201
    assert created.get_json()["status"] == "open"  # the contract: auto-offer happens after the intake commits
    call_id = created.get_json()["id"]
    assert [p["call_id"] for p in pushes(receiver, "offer")] == [call_id]
    assert kinds_by_user(receiver, subs)["anna"] == ["offer"]

    # Not yet: the U2 window is 2 minutes.
    clock.advance(seconds=119)
    assert tick(pusher)["expired"] == 0
    clock.advance(seconds=1)
    assert tick(pusher)["expired"] == 1
    assert tick(pusher)["expired"] == 0  # a second run finds nothing
    got = kinds_by_user(receiver, subs)
    assert got["coordinator"] == ["offer_expired"]
    assert got["bram"] == ["offer"]
    assert got["lead"] == []

    # Bram declines: on to Chantal at once.
    bram_client, bram_headers = logged_in(app, bram)
    declined = bram_client.post(f"/api/calls/{call_id}/decline", json={"reason": "Andere cliënt"}, headers=bram_headers)
    assert declined.status_code == 200 and declined.get_json()["status"] == "open"
    assert kinds_by_user(receiver, subs)["chantal"] == ["offer"]

    # Chantal lets it run out; nobody is left who has not refused: the coordinators hear so.
    clock.advance(minutes=2)
    tick(pusher)
    got = kinds_by_user(receiver, subs)
    assert got["coordinator"] == ["offer_expired", "offer_expired", "no_nurse"]
    assert session.get(Call, call_id).status == "open"

    # Half the 30-minute target: the team lead gets a push, once.
    clock.set(created_at(session, call_id) + timedelta(minutes=15))
    assert tick(pusher)["lead_alerts"] == 1
    assert tick(pusher)["lead_alerts"] == 0
    got = kinds_by_user(receiver, subs)
    assert got["lead"] == ["lead_alert"]
    assert pushes(receiver, "lead_alert")[0]["urgency"] == "U2"

    # Daan comes on duty; the clock offers the waiting call to him, and he accepts.
    daan_client, daan_headers = logged_in(app, daan)
    assert daan_client.post("/api/me/status", json={"status": "available"}, headers=daan_headers).status_code == 200
    clock.advance(seconds=30)
    assert tick(pusher)["offered"] == 1
    accepted = daan_client.post(f"/api/calls/{call_id}/accept", headers=daan_headers)
    assert accepted.status_code == 200 and accepted.get_json()["nurse_id"] == daan.id
    assert tick(pusher) == {"expired": 0, "lead_alerts": 0, "offered": 0, "pushes": {}}

    # The events history tells the whole story, oldest first.
    coord_client, _ = logged_in(app, coordinator)
    events = coord_client.get(f"/api/calls/{call_id}/events").get_json()
    assert [(e["type"], e["nurse_id"]) for e in events] == [
        ("created", None),
        ("offered", anna.id), ("offer_expired", anna.id),
        ("offered", bram.id), ("declined", bram.id),
        ("offered", chantal.id), ("offer_expired", chantal.id),
        ("lead_alerted", None),
        ("offered", daan.id), ("accepted", daan.id),
    ]
    assert [e["detail"].get("by") for e in events if e["type"] == "offered"] == [
        "automatisch", "escalatie", "na weigering", "opnieuw"]
    assert all(e["actor_id"] is None for e in events if e["type"] in ("offer_expired", "lead_alerted"))


def created_at(session, call_id):
    session.commit()
    return session.get(Call, call_id, populate_existing=True).created_at


def test_team_without_auto_offer_waits_for_the_coordinator(app, session, pusher, receiver):  # noqa: F811
    nurse = make_user(session)
    subscribe(app, nurse, receiver)
    hap_client, headers = logged_in(app, make_user(session, role="hap"))
    body = {**CALL, "client_id": make_client(session, **BY_HAP).id}
    assert hap_client.post("/api/calls", json=body, headers=headers).status_code == 201
    assert tick(pusher)["offered"] == 0
    assert receiver.messages == []


def test_clock_restart_mid_escalation(app, session, pusher, receiver, clock):  # noqa: F811
    auto_offer(session)
    place = make_client(session, **BY_HAP)
    first = make_user(session, base_lat=place.lat, base_lon=place.lon)
    second = make_user(session, base_lat=place.lat + 0.02, base_lon=place.lon)
    lead = make_user(session, role="team_lead")
    subs = {"first": subscribe(app, first, receiver), "second": subscribe(app, second, receiver),
            "lead": subscribe(app, lead, receiver)}
    hap_client, headers = logged_in(app, make_user(session, role="hap"))
    # The web process dies right after the intake commits: no auto-offer, no push.
    pusher.mode = "off"
    call_id = hap_client.post("/api/calls", json={**CALL, "client_id": place.id}, headers=headers).get_json()["id"]
    assert receiver.messages == []

    def restarted_clock():
        """A new clock process: a fresh app and push composition on the same database, nothing kept in memory."""
        new = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True, "SECRET_KEY": "x",
                          "CLOCK": clock, "PUSH_ALLOWED_HOSTS": "127.0.0.1"})
        build_scheduler(new)  # registers dispatch.tick, as `python -m backend.clock` does
        return new, new.extensions["push"]

    clock_app, clock_pusher = restarted_clock()
    assert clock_pusher.mode == "inline"
    clock.advance(seconds=30)
    assert tick(clock_pusher)["offered"] == 1  # the clock picks up what the web process lost
    clock_pusher.drain()  # the clock sends on its push pool: wait for it
    assert kinds_by_user(receiver, subs)["first"] == ["offer"]

    # The clock is down for a quarter of an hour; the offer ran out and half the target passed meanwhile.
    clock_app.extensions["db_engine"].dispose()
    clock.advance(minutes=15)
    again_app, again_pusher = restarted_clock()
    result = tick(again_pusher)
    assert (result["expired"], result["lead_alerts"]) == (1, 1)
    again_pusher.drain()
    # A second clock (or the same job run twice) changes nothing.
    assert tick(again_pusher) == {"expired": 0, "lead_alerts": 0, "offered": 0, "pushes": {}}
    got = kinds_by_user(receiver, subs)
    assert got == {"first": ["offer"], "second": ["offer"], "lead": ["lead_alert"]}
    session.commit()
    stored = session.get(Call, call_id, populate_existing=True)
    assert (stored.status, stored.nurse_id) == ("offered", second.id)
    assert stored.lead_alerted_at == clock.now()
    again_app.extensions["db_engine"].dispose()


def test_scheduler_job_is_registered_and_runs(app, session, pusher):  # noqa: F811
    scheduler = build_scheduler(app)
    [job] = [j for j in scheduler.get_jobs() if j.id == "dispatch.tick"]
    assert job.max_instances == 1 and job.coalesce
    assert job.func(*job.args) == {"expired": 0, "lead_alerts": 0, "offered": 0, "pushes": {}}


def test_going_off_duty_passes_her_offer_on(app, session, pusher, receiver):  # noqa: F811
    anna = make_user(session, name="Anna")
    bram = make_user(session, name="Bram", base_lat=52.30)
    subscribe(app, bram, receiver)
    coordinator, headers = logged_in(app, make_user(session, role="coordinator"))
    call_id = _new_call(session)
    assert coordinator.post(f"/api/calls/{call_id}/offer", json={"nurse_id": anna.id}, headers=headers).status_code == 200
    anna_client, anna_headers = logged_in(app, anna)
    response = anna_client.post("/api/me/status", json={"status": "off_duty"}, headers=anna_headers)
    assert response.status_code == 200 and response.get_json()["availability"] == "off_duty"
    session.commit()
    stored = session.get(Call, call_id, populate_existing=True)
    assert (stored.status, stored.nurse_id) == ("offered", bram.id)
    assert [p["call_id"] for p in pushes(receiver, "offer")] == [call_id]


def _new_call(session):
    from tests.factories import make_call

    return make_call(session, category="wound_care").id


def test_availability_rules(app, session, pusher):  # noqa: F811
    nurse = make_user(session, availability="off_duty")
    client, headers = logged_in(app, nurse)
    assert client.post("/api/me/status", json={"status": "available"}, headers=headers).get_json()["availability"] == "available"
    assert client.post("/api/me/status", json={"status": "busy"}, headers=headers).status_code == 422
    assert client.post("/api/me/status", json={"status": "available"}).status_code == 403  # no CSRF token
    call_id = _new_call(session)
    assert client.post(f"/api/calls/{call_id}/accept", headers=headers).status_code == 200
    busy = client.post("/api/me/status", json={"status": "off_duty"}, headers=headers)
    assert busy.status_code == 409 and busy.get_json()["availability"] == "busy"
    coordinator, coord_headers = logged_in(app, make_user(session, role="coordinator"))
    assert coordinator.post("/api/me/status", json={"status": "available"}, headers=coord_headers).status_code == 403
    session.commit()
    assert session.get(type(nurse), nurse.id, populate_existing=True).availability == "busy"
