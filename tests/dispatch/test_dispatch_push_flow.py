"""Web push end to end: subscribe, offer → decrypted push at the receiver, 410 clean-up, outbox retry."""
from datetime import timedelta

from sqlmodel import Session

from backend.dispatch import service
from backend.push import service as push_service
from tests.dispatch.dispatch_fixtures import (  # noqa: F401
    logged_in, outbox, receiver, pusher, subscribe, subscriptions, tick,
)
from tests.factories import actor, make_call, make_user


def test_vapid_public_key_for_any_logged_in_user(app, session, pusher):  # noqa: F811
    client, _ = logged_in(app, make_user(session, role="hap"))
    body = client.get("/api/push/vapid-public-key").get_json()
    assert body == {"public_key": pusher.sender.public_key}
    assert len(body["public_key"]) == 87 and "=" not in body["public_key"]
    assert app.test_client().get("/api/push/vapid-public-key").status_code == 401


def test_subscription_outside_the_allow_list_is_422_and_nothing_is_sent(app, session, pusher, receiver):  # noqa: F811
    nurse = make_user(session)
    client, headers = logged_in(app, nurse)
    sub = receiver.subscription()
    for endpoint in ("https://evil.example.com/push/x", "http://10.0.0.7/push", "http://169.254.169.254/x",
                     "https://fcm.googleapis.com.evil.org/x", "file:///etc/passwd"):
        response = client.post("/api/push/subscriptions", json={**sub, "endpoint": endpoint}, headers=headers)
        assert response.status_code == 422, endpoint
        assert response.get_json()["code"] == 422 and "endpoint" in response.get_json()["errors"]
    bad_keys = {**sub, "keys": {"p256dh": "A" * 87, "auth": "short-but-16char"}}
    assert client.post("/api/push/subscriptions", json=bad_keys, headers=headers).status_code == 422
    assert subscriptions(session) == []
    hap_client, hap_headers = logged_in(app, make_user(session, role="hap"))
    assert hap_client.post("/api/push/subscriptions", json=sub, headers=hap_headers).status_code == 403
    assert receiver.messages == []


def test_offer_reaches_every_subscription_of_the_nurse_decrypted(app, session, pusher, receiver):  # noqa: F811
    nurse = make_user(session)
    phone, laptop = subscribe(app, nurse, receiver), subscribe(app, nurse, receiver)
    subscribe(app, make_user(session), receiver)  # another nurse: gets nothing
    call = make_call(session, urgency="U2", category="fall_assessment")
    coordinator, headers = logged_in(app, make_user(session, role="coordinator"))
    response = coordinator.post(f"/api/calls/{call.id}/offer", json={"nurse_id": nurse.id}, headers=headers)
    assert response.status_code == 200
    # Inline delivery: the pushes went out right after the offer's commit, before the response.
    messages = receiver.delivered()
    assert sorted(m.path for m in messages) == sorted(
        [phone["endpoint"].split(receiver.origin)[1], laptop["endpoint"].split(receiver.origin)[1]]
    )
    for message in messages:
        payload = message.payload
        assert payload["type"] == "offer" and payload["call_id"] == call.id and payload["urgency"] == "U2"
        assert payload["title"] == "U2-melding: val/trauma" and "Deventer" in payload["body"]
        headers_lower = {k.lower(): v for k, v in message.headers.items()}
        assert headers_lower["urgency"] == "high"
        assert headers_lower["ttl"] == "120"  # the team's U2 acknowledge window
        assert message.vapid_key == pusher.sender.public_key
    assert {row.status for row in outbox(session)} == {"sent"}


def test_low_urgency_push_is_normal_urgency(app, session, pusher, receiver):  # noqa: F811
    nurse = make_user(session)
    subscribe(app, nurse, receiver)
    call = make_call(session, urgency="U4")
    service.offer_call(session, actor=actor(make_user(session, role="coordinator")), call_id=call.id,
                       nurse_id=nurse.id, now=call.created_at)
    [message] = receiver.delivered()
    assert {k.lower(): v for k, v in message.headers.items()}["urgency"] == "normal"
    assert message.payload["urgency"] == "U4"


def test_a_failed_offer_writes_no_outbox_row(app, session, pusher, receiver):  # noqa: F811
    nurse = make_user(session)
    off = make_user(session, availability="off_duty")
    subscribe(app, nurse, receiver), subscribe(app, off, receiver)
    call = make_call(session)
    coordinator, headers = logged_in(app, make_user(session, role="coordinator"))
    assert coordinator.post(f"/api/calls/{call.id}/offer", json={"nurse_id": off.id}, headers=headers).status_code == 409
    assert coordinator.post(f"/api/calls/{call.id}/offer", json={"nurse_id": nurse.id}, headers=headers).status_code == 200
    # A second plain offer of an offered call is refused (one winner), and sends nothing.
    other = make_user(session)
    assert coordinator.post(f"/api/calls/{call.id}/offer", json={"nurse_id": other.id}, headers=headers).status_code == 409
    assert [(row.user_id, row.kind) for row in outbox(session)] == [(nurse.id, "offer")]
    assert len(receiver.delivered()) == 1


def test_gone_subscription_is_deleted_on_410(app, session, pusher, receiver):  # noqa: F811
    nurse = make_user(session)
    dead, alive = subscribe(app, nurse, receiver), subscribe(app, nurse, receiver)
    receiver.respond(dead, 410)
    call = make_call(session)
    service.offer_call(session, actor=actor(make_user(session, role="coordinator")), call_id=call.id,
                       nurse_id=nurse.id, now=call.created_at)
    assert [s.endpoint for s in subscriptions(session)] == [alive["endpoint"]]
    rows = {row.last_status: row for row in outbox(session)}
    assert rows[410].status == "gone" and rows[410].subscription_id is None
    assert rows[201].status == "sent"
    assert [m.status for m in receiver.messages if m.path.endswith(dead["endpoint"].rsplit("/", 1)[1])] == [410]


def test_outbox_retries_with_backoff_after_a_receiver_failure(app, session, pusher, receiver, clock):  # noqa: F811
    nurse = make_user(session)
    sub = subscribe(app, nurse, receiver)
    receiver.respond(sub, 500, 503)
    call = make_call(session, urgency="U3")  # window 5 min: room for a few tries
    service.offer_call(session, actor=actor(make_user(session, role="coordinator")), call_id=call.id,
                       nurse_id=nurse.id, now=clock.now())
    [row] = outbox(session)
    assert (row.status, row.attempts, row.last_status) == ("pending", 1, 500)
    assert row.next_attempt_at == clock.now() + timedelta(seconds=10)
    assert tick(pusher)["pushes"] == {}  # not due yet: nothing sent
    clock.advance(seconds=10)
    assert tick(pusher)["pushes"] == {"pending": 1}  # the 503, next try after 20 s
    [row] = outbox(session)
    assert (row.attempts, row.last_status) == (2, 503)
    assert row.next_attempt_at == clock.now() + timedelta(seconds=20)
    clock.advance(seconds=20)
    assert tick(pusher)["pushes"] == {"sent": 1}
    assert tick(pusher)["pushes"] == {}  # a second run does no harm
    [row] = outbox(session)
    assert (row.status, row.attempts) == ("sent", 3)
    assert [m.status for m in receiver.messages] == [500, 503, 201]
    assert receiver.delivered()[0].payload["call_id"] == call.id


def test_a_push_that_outlives_its_offer_expires_unsent(app, session, pusher, receiver, clock):  # noqa: F811
    nurse = make_user(session)
    sub = subscribe(app, nurse, receiver)
    receiver.respond(sub, 500)
    call = make_call(session, urgency="U2")
    service.offer_call(session, actor=actor(make_user(session, role="coordinator")), call_id=call.id,
                       nurse_id=nurse.id, now=clock.now())
    clock.advance(minutes=3)  # the 2-minute window has passed
    with Session(pusher.engine) as own:
        push_service.deliver_due(own, now=clock.now())
    offer_rows = [row for row in outbox(session) if row.kind == "offer"]
    assert [row.status for row in offer_rows] == ["expired"]
    assert [m.status for m in receiver.messages] == [500]


def test_a_claimed_row_is_not_sent_twice(app, session, pusher, receiver, clock):  # noqa: F811
    nurse = make_user(session)
    subscribe(app, nurse, receiver)
    pusher.mode = "off"  # leave the row pending, as if the web process died right after commit
    call = make_call(session)
    service.offer_call(session, actor=actor(make_user(session, role="coordinator")), call_id=call.id,
                       nurse_id=nurse.id, now=clock.now())
    [row] = outbox(session)
    assert row.status == "pending"
    # Two senders race for the same row: only the one that claims it sends.
    with Session(pusher.engine) as one, Session(pusher.engine) as other:
        first = push_service.deliver_one(one, sender=pusher.sender, outbox_id=row.id, now=clock.now())
        second = push_service.deliver_one(other, sender=pusher.sender, outbox_id=row.id, now=clock.now())
    assert (first, second) == ("sent", None)
    assert len(receiver.messages) == 1
    assert outbox(session)[0].attempts == 1


def test_thread_delivery_sends_without_waiting_for_the_clock(app, session, pusher, receiver):  # noqa: F811
    pusher.mode = "thread"
    nurse = make_user(session)
    subscribe(app, nurse, receiver)
    call = make_call(session)
    service.offer_call(session, actor=actor(make_user(session, role="coordinator")), call_id=call.id,
                       nurse_id=nurse.id, now=call.created_at)
    [message] = receiver.wait_for(1)
    assert message.payload["call_id"] == call.id
    pusher.drain()


def test_unsubscribe_removes_only_your_own_subscription(app, session, pusher, receiver):  # noqa: F811
    anna, bram = make_user(session), make_user(session)
    sub = subscribe(app, anna, receiver)
    bram_client, bram_headers = logged_in(app, bram)
    body = {"endpoint": sub["endpoint"]}
    assert bram_client.delete("/api/push/subscriptions", json=body, headers=bram_headers).status_code == 204
    assert len(subscriptions(session)) == 1
    anna_client, anna_headers = logged_in(app, anna)
    assert anna_client.delete("/api/push/subscriptions", json=body, headers=anna_headers).status_code == 204
    assert subscriptions(session) == []


def test_another_user_cannot_take_over_a_subscribed_browser(app, session, pusher, receiver):  # noqa: F811
    """An endpoint belongs to one user (issue 12, finding 10): she unsubscribes (logs out) before another takes it."""
    anna, bram = make_user(session), make_user(session)
    sub = subscribe(app, anna, receiver)
    bram_client, bram_headers = logged_in(app, bram)
    assert bram_client.post("/api/push/subscriptions", json=sub, headers=bram_headers).status_code == 409
    assert [s.user_id for s in subscriptions(session)] == [anna.id]


def test_a_retry_of_an_offer_that_was_cancelled_does_not_ring(app, session, pusher, receiver, clock):  # noqa: F811
    nurse = make_user(session)
    sub = subscribe(app, nurse, receiver)
    receiver.respond(sub, 500)
    coordinator = actor(make_user(session, role="coordinator"))
    call = make_call(session)
    service.offer_call(session, actor=coordinator, call_id=call.id, nurse_id=nurse.id, now=clock.now())
    service.cancel_call(session, actor=coordinator, call_id=call.id, reason="Huisarts gaat zelf", now=clock.now())
    clock.advance(seconds=10)
    tick(pusher)
    assert [row.status for row in outbox(session)] == ["expired"]
    assert [m.status for m in receiver.messages] == [500]


def test_control_characters_in_a_subscription_are_422(app, session, pusher, receiver):  # noqa: F811
    client, headers = logged_in(app, make_user(session))
    sub = receiver.subscription()
    nul = {**sub, "endpoint": sub["endpoint"] + "\x00"}
    assert client.post("/api/push/subscriptions", json=nul, headers=headers).status_code == 422
    assert client.delete("/api/push/subscriptions", json={"endpoint": "https://x\x00y.nl/"}, headers=headers).status_code == 422
    assert subscriptions(session) == []
