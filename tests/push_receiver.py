"""A local push service for tests: records POSTs, checks the VAPID JWT, decrypts aes128gcm bodies.

The one push receiver of the suite (dispatch, push and end-to-end tests). Usage:
    with PushReceiver() as receiver:
        sub = receiver.subscription()          # {"endpoint", "keys": {"p256dh", "auth"}}
        ... let the app push to sub ...
        [message] = receiver.wait_for(1)       # message.payload is the decrypted JSON
        receiver.respond(sub, 410)             # the next POSTs to that endpoint get 410
    PushReceiver(delay=30)                     # a slow service: each answer waits 30 s (or until release())
    receiver.down = True                       # a service that is down: connections are dropped unanswered
"""
from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class VapidError(Exception):
    """The Authorization header does not prove a valid VAPID signature."""


def verify_vapid(authorization: str, audience: str, now: float | None = None) -> tuple[dict, str]:
    """Verify `vapid t=<jwt>,k=<key>`; return the JWT claims and the server's public key (b64url)."""
    scheme, _, rest = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise VapidError(f"scheme {scheme!r} is not vapid")
    parts = dict(item.strip().split("=", 1) for item in rest.split(",") if "=" in item)
    if "t" not in parts or "k" not in parts:
        raise VapidError("t or k missing")
    token, key = parts["t"], parts["k"]
    try:
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64d(key))
        header_b64, claims_b64, sig_b64 = token.split(".")
        header = json.loads(_b64d(header_b64))
        claims = json.loads(_b64d(claims_b64))
        raw = _b64d(sig_b64)
    except ValueError as exc:
        raise VapidError(f"malformed token: {exc}") from exc
    if header.get("alg") != "ES256" or len(raw) != 64:
        raise VapidError("token is not ES256")
    signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(signature, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise VapidError("bad signature") from exc
    if claims.get("aud") != audience:
        raise VapidError(f"aud {claims.get('aud')!r} is not {audience!r}")
    if int(claims.get("exp", 0)) <= (now or time.time()):
        raise VapidError("token expired")
    if int(claims["exp"]) > (now or time.time()) + 24 * 3600:
        raise VapidError("exp more than 24 h ahead")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise VapidError("sub is not a mailto: or https: URL")
    return claims, key


@dataclass
class Subscriber:
    """One browser's subscription: its endpoint path and the keys only the browser holds."""

    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    statuses: list[int] = field(default_factory=list)  # answers queued for the next POSTs

    def p256dh(self) -> str:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return _b64e(raw)


@dataclass
class Message:
    """One POST as the receiver saw it."""

    path: str
    token: str | None
    headers: dict
    status: int  # what we answered
    payload: dict | None = None
    claims: dict | None = None
    vapid_key: str | None = None
    error: str | None = None
    received_at: float = 0.0


class PushReceiver:
    """An HTTP server on 127.0.0.1:<free port> that acts as a push service."""

    def __init__(self, default_status: int = 201, *, delay: float = 0.0):
        self.default_status = default_status
        self.delay = delay  # seconds each POST waits before its answer (recorded on arrival)
        self.down = False  # drop every connection without an answer
        self._released = threading.Event()
        self.subscribers: dict[str, Subscriber] = {}
        self.messages: list[Message] = []
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                if receiver.down:
                    self.close_connection = True
                    self.connection.close()
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, message = receiver._handle(self.path, dict(self.headers), body)
                with receiver._cond:  # recorded before we answer: the sender may look right after
                    receiver.messages.append(message)
                    receiver._cond.notify_all()
                if receiver.delay:
                    receiver._released.wait(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.host, self.port = self.server.server_address[:2]
        self.origin = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "PushReceiver":
        self._thread.start()
        return self

    def release(self) -> None:
        """Answer every delayed POST now, and the next ones without delay."""
        self.delay = 0.0
        self._released.set()

    def stop(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "PushReceiver":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def subscription(self) -> dict:
        """Make a new subscriber and return what its browser would POST to /api/push/subscriptions."""
        token = secrets.token_urlsafe(12)
        subscriber = Subscriber(token, ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16))
        self.subscribers[token] = subscriber
        return {
            "endpoint": f"{self.origin}/push/{token}",
            "keys": {"p256dh": subscriber.p256dh(), "auth": _b64e(subscriber.auth_secret)},
        }

    def respond(self, subscription: dict, *statuses: int) -> None:
        """Answer the next POSTs to this subscription with these statuses (then the default)."""
        token = subscription["endpoint"].rsplit("/", 1)[-1]
        with self._cond:
            self.subscribers[token].statuses.extend(statuses)

    def _handle(self, path: str, headers: dict, body: bytes) -> tuple[int, Message]:
        token = path.rsplit("/", 1)[-1] if path.startswith("/push/") else None
        message = Message(path=path, token=token, headers=headers, status=404, received_at=time.monotonic())
        subscriber = self.subscribers.get(token or "")
        if subscriber is None:
            message.error = "unknown subscription"
            return 404, message
        lower = {k.lower(): v for k, v in headers.items()}
        try:
            message.claims, message.vapid_key = verify_vapid(lower.get("authorization", ""), self.origin)
        except VapidError as exc:
            message.status, message.error = 401, f"vapid: {exc}"
            return 401, message
        if lower.get("content-encoding") != "aes128gcm":
            message.status, message.error = 400, "content-encoding is not aes128gcm"
            return 400, message
        try:
            plain = http_ece.decrypt(
                body, private_key=subscriber.private_key, auth_secret=subscriber.auth_secret, version="aes128gcm"
            )
            message.payload = json.loads(plain)
        except Exception as exc:  # any decryption or JSON failure is the sender's fault
            message.status, message.error = 400, f"decrypt: {exc!r}"
            return 400, message
        with self._cond:
            status = subscriber.statuses.pop(0) if subscriber.statuses else self.default_status
        message.status = status
        return status, message

    def delivered(self) -> list[Message]:
        """Return the messages that decrypted and got a 2xx answer."""
        with self._cond:
            return [m for m in self.messages if m.payload is not None and 200 <= m.status < 300]

    def wait_for(self, count: int, timeout: float = 10.0, *, delivered_only: bool = True) -> list[Message]:
        """Block until `count` messages arrived (or raise); return them."""
        deadline = time.monotonic() + timeout

        def ready():
            seen = self.delivered() if delivered_only else self.messages
            return len(seen) >= count

        with self._cond:
            while not ready():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} push messages, got {self.messages!r}")
                self._cond.wait(left)
        return self.delivered() if delivered_only else list(self.messages)

    def wait_for_payload(self, predicate, timeout: float = 20.0) -> dict:
        """Block until a delivered push's payload matches `predicate` (or raise); return that payload."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [m.payload for m in self.messages
                         if m.payload is not None and 200 <= m.status < 300 and predicate(m.payload)]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching push arrived; got {self.messages!r}")
                self._cond.wait(left)


def main() -> None:
    """Run a receiver by hand: print subscriptions (one JSON per line), then every push as it arrives."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="A local web push service for trying Wijkspoed by hand.")
    parser.add_argument("--count", type=int, default=2, help="how many subscriptions to print")
    parser.add_argument("--status", type=int, default=201, help="the answer to every push")
    args = parser.parse_args()
    receiver = PushReceiver(default_status=args.status).start()
    for _ in range(args.count):
        print(json.dumps(receiver.subscription()), flush=True)
    print(f"# listening on {receiver.origin}; Ctrl-C stops", file=sys.stderr, flush=True)
    seen = 0
    try:
        while True:
            messages = receiver.wait_for(seen + 1, timeout=3600, delivered_only=False)
            for message in messages[seen:]:
                print(json.dumps({"subscription": message.token, "status": message.status,
                                  "urgency": message.headers.get("urgency"), "ttl": message.headers.get("ttl"),
                                  "payload": message.payload, "error": message.error}), flush=True)
            seen = len(messages)
    except KeyboardInterrupt:
        receiver.stop()


if __name__ == "__main__":
    main()
