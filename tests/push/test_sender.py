"""Sending web push through pywebpush to a local receiver that checks VAPID and decrypts."""
import os
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from backend.push.sender import (
    PushSender,
    endpoint_problem,
    load_vapid,
    parse_allowed_hosts,
    public_key_b64,
)
from tests.push_receiver import PushReceiver

LOOPBACK = parse_allowed_hosts("127.0.0.1,fcm.googleapis.com,push.services.mozilla.com")


@pytest.fixture
def receiver():
    with PushReceiver() as r:
        yield r


@pytest.fixture
def sender(tmp_path):
    return PushSender(vapid=load_vapid(instance_dir=tmp_path), allowed_hosts=LOOPBACK, timeout=5)


def send(sender, sub, payload=None, **kw):
    kw.setdefault("ttl", 120)
    kw.setdefault("urgency", "high")
    return sender.send(
        endpoint=sub["endpoint"], p256dh=sub["keys"]["p256dh"], auth=sub["keys"]["auth"],
        payload=payload or {"type": "offer", "call_id": 1, "urgency": "U2", "title": "t", "body": "b"}, **kw,
    )


def test_payload_arrives_encrypted_signed_with_ttl_and_urgency(receiver, sender):
    sub = receiver.subscription()
    result = send(sender, sub, {"type": "offer", "call_id": 42, "urgency": "U2", "title": "Spoed", "body": "x"})
    assert result.delivered and result.status == 201
    [message] = receiver.wait_for(1)
    assert message.payload == {"type": "offer", "call_id": 42, "urgency": "U2", "title": "Spoed", "body": "x"}
    assert message.claims["aud"] == receiver.origin
    assert message.claims["sub"].startswith("mailto:")
    assert message.vapid_key == sender.public_key
    headers = {k.lower(): v for k, v in message.headers.items()}
    assert headers["ttl"] == "120"
    assert headers["urgency"] == "high"


def test_receiver_rejects_a_wrong_subscription_key(receiver, sender):
    sub = receiver.subscription()
    other = receiver.subscription()
    sub["keys"] = other["keys"]  # encrypted for someone else: the receiver can't decrypt
    result = send(sender, sub)
    assert not result.delivered and result.status == 400 and not result.gone
    assert receiver.delivered() == []


def test_gone_subscription_is_reported_and_server_error_is_retryable(receiver, sender):
    sub = receiver.subscription()
    receiver.respond(sub, 410, 404, 500)
    assert send(sender, sub).gone
    assert send(sender, sub).gone
    failed = send(sender, sub)
    assert failed.status == 500 and not failed.gone and not failed.delivered
    assert send(sender, sub).delivered


def test_unreachable_endpoint_is_a_retryable_failure(sender):
    with PushReceiver() as r:
        sub = r.subscription()
    result = send(sender, sub)  # server stopped: connection refused
    assert not result.delivered and not result.gone and result.status is None


def test_redirect_is_not_followed(sender, receiver):
    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(307)
            self.send_header("Location", receiver.subscription()["endpoint"])
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sub = receiver.subscription()
        sub["endpoint"] = f"http://127.0.0.1:{server.server_address[1]}/push/x"
        result = send(sender, sub)
    finally:
        server.shutdown()
        server.server_close()
    assert result.status == 307 and not result.delivered
    assert receiver.messages == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://evil.example.com/push",
        "http://fcm.googleapis.com/fcm/send/x",  # plain http to a public host
        "https://fcm.googleapis.com:8443/fcm/send/x",
        "https://user:pw@fcm.googleapis.com/x",
        "https://fcm.googleapis.com.evil.com/x",
        "http://localhost:8080/x",  # loopback not listed
        "http://10.0.0.1/x",
        "http://169.254.169.254/latest/meta-data",
        "ftp://127.0.0.1/x",
        "not a url",
        "",
    ],
)
def test_endpoint_outside_the_allow_list_is_refused(endpoint, sender):
    assert endpoint_problem(endpoint, LOOPBACK) is not None
    result = sender.send(endpoint=endpoint, p256dh="x", auth="y", payload={}, ttl=60)
    assert not result.delivered and result.gone


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "http://127.0.0.1:5555/push/abc",
    ],
)
def test_endpoint_on_the_allow_list_is_accepted(endpoint):
    assert endpoint_problem(endpoint, LOOPBACK) is None


def test_vapid_key_is_made_once_with_mode_0600(tmp_path):
    first = load_vapid(instance_dir=tmp_path)
    path = tmp_path / "vapid_private.pem"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = load_vapid(instance_dir=tmp_path)
    assert public_key_b64(first) == public_key_b64(again)
    assert len(public_key_b64(first)) == 87  # 65 bytes, unpadded base64url


def test_vapid_key_from_environment_value(tmp_path):
    pem = (load_vapid(instance_dir=tmp_path)).private_pem().decode()
    from_pem = load_vapid(private_key=pem)
    assert public_key_b64(from_pem) == public_key_b64(load_vapid(instance_dir=tmp_path))
