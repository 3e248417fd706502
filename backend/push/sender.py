"""Web push: VAPID keys, the endpoint allow-list, and one send through pywebpush.

No database and no Flask here: the outbox (service.py) decides what to send and when,
this module only knows how.
"""
from __future__ import annotations

import base64
import ipaddress
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

VAPID_KEY_FILE = "vapid_private.pem"
DEFAULT_SUBJECT = "mailto:beheer@wijkspoed.nl"
CONNECT_TIMEOUT = 3.05  # a push service that takes longer to accept a connection is down
TOPIC_MAX = 32  # RFC 8030: at most 32 characters of the base64url alphabet
_key_lock = threading.Lock()


def b64url(data: bytes) -> str:
    """Encode bytes as unpadded base64url (the web push alphabet)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def load_vapid(*, private_key: str | None = None, instance_dir: Path | None = None) -> Vapid:
    """Return the server's VAPID key: from `private_key` (PEM, DER or raw base64url) or instance/.

    The file is made on first use with mode 0600, so a fresh clone needs no set-up step and the key
    never lands in git (instance/ is ignored).
    """
    if private_key:
        text = private_key.strip()
        if text.startswith("-----BEGIN"):
            return Vapid.from_pem(text.encode())
        return Vapid.from_string(text)
    if instance_dir is None:
        raise ValueError("a VAPID key needs either private_key or instance_dir")
    path = Path(instance_dir) / VAPID_KEY_FILE
    with _key_lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            vapid = Vapid()
            vapid.generate_keys()
            pem = vapid.private_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            # Write aside, then link into place: another process never reads a half-written key,
            # and if two make one at once, the first link wins and both use that key.
            tmp = path.with_name(f".{VAPID_KEY_FILE}.{os.getpid()}.{threading.get_ident()}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink(missing_ok=True)
    return Vapid.from_pem(path.read_bytes())


def public_key_b64(vapid: Vapid) -> str:
    """Return the public key as the browser's applicationServerKey wants it."""
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(raw)


def parse_allowed_hosts(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Turn PUSH_ALLOWED_HOSTS (comma-separated) into a tuple of lower-case hosts."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    return tuple(h.strip().lower().rstrip(".") for h in items if h.strip())


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_problem(endpoint: str, allowed_hosts: tuple[str, ...]) -> str | None:
    """Return why we must not POST to this endpoint, or None when it is allowed.

    Allowed: https to a listed host or a subdomain of one, on the default port. A loopback host
    that is listed explicitly may also use http and any port (tests, local development).
    """
    if not isinstance(endpoint, str) or len(endpoint) > 2048:
        return "endpoint must be a URL of at most 2048 characters"
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "endpoint is not a valid URL"
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return "endpoint has no host"
    if parts.username is not None or parts.password is not None:
        return "endpoint must not carry credentials"
    if _is_loopback(host):
        if host not in allowed_hosts:
            return f"push host {host} is not allowed"
        if parts.scheme not in ("http", "https"):
            return "endpoint must use https"
        return None
    if parts.scheme != "https":
        return "endpoint must use https"
    if port not in (None, 443):
        return "endpoint must use the default https port"
    for allowed in allowed_hosts:
        if not _is_loopback(allowed) and (host == allowed or host.endswith("." + allowed)):
            return None
    return f"push host {host} is not allowed"


class _NoRedirectSession(requests.Session):
    """A session that never follows a redirect: an allowed host must not bounce us elsewhere."""

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def topic_for(kind: str, call_id: int | None, user_id: int) -> str | None:
    """Return the push `Topic` of a push about a call: a retry (or the next push of that kind about that call)
    replaces the one the push service still holds instead of ringing twice."""
    if call_id is None:
        return None
    topic = f"{kind.replace('_', '-')}-c{call_id}-u{user_id}"
    return topic[:TOPIC_MAX]


@dataclass(frozen=True)
class SendResult:
    """What became of one push: delivered, gone (delete the subscription) or failed (retry)."""

    status: int | None
    delivered: bool
    gone: bool
    error: str | None = None


@dataclass
class PushSender:
    """Everything needed to send: the VAPID key, the subject claim, the allow-list, a timeout."""

    vapid: Vapid
    subject: str = DEFAULT_SUBJECT
    allowed_hosts: tuple[str, ...] = ()
    timeout: float = 10.0

    def __post_init__(self):
        self._local = threading.local()
        self._tokens: dict[str, tuple[str, int]] = {}
        self._tokens_lock = threading.Lock()

    def _authorization(self, endpoint: str) -> str:
        """Return a VAPID Authorization header for the endpoint's origin, signed at most once an hour."""
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = int(time.time())
        with self._tokens_lock:
            cached = self._tokens.get(audience)
            if cached and cached[1] - now > 11 * 3600:
                return cached[0]
        exp = now + 12 * 3600  # the longest a push service accepts is 24 h
        header = self.vapid.sign({"sub": self.subject, "aud": audience, "exp": exp})["Authorization"]
        with self._tokens_lock:
            self._tokens[audience] = (header, exp)
        return header

    def _session(self) -> requests.Session:
        # One keep-alive session per thread: requests sessions are not thread-safe.
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = _NoRedirectSession()
        return session

    @property
    def public_key(self) -> str:
        return public_key_b64(self.vapid)

    def send(
        self, *, endpoint: str, p256dh: str, auth: str, payload: dict, ttl: int, urgency: str = "normal",
        topic: str | None = None, deadline: float | None = None,
    ) -> SendResult:
        """Encrypt the payload for one subscription and POST it; never raise for a push failure.

        `deadline` bounds the wait for the push service's answer (default: the sender's timeout); `topic`
        (RFC 8030) lets the push service replace an earlier push with the same topic instead of adding one.
        """
        problem = endpoint_problem(endpoint, self.allowed_hosts)
        if problem:  # checked again here: the allow-list may have shrunk since the subscription
            return SendResult(status=None, delivered=False, gone=True, error=problem)
        headers = {"Authorization": self._authorization(endpoint), "Urgency": urgency}
        if topic:
            headers["Topic"] = topic
        wait = max(0.5, min(self.timeout, deadline) if deadline is not None else self.timeout)
        try:
            response = webpush(
                subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
                data=json.dumps(payload, separators=(",", ":")),
                content_encoding="aes128gcm",
                ttl=max(1, int(ttl)),
                headers=headers,
                timeout=(min(CONNECT_TIMEOUT, wait), wait),
                requests_session=self._session(),
            )
        except WebPushException as exc:
            # A requests Response is falsy for status >= 400: compare with None, never truthiness.
            status = exc.response.status_code if exc.response is not None else None
            return SendResult(status=status, delivered=False, gone=status in (404, 410), error=str(exc)[:500])
        except (requests.RequestException, ValueError, TypeError) as exc:
            return SendResult(status=None, delivered=False, gone=False, error=repr(exc)[:500])
        return SendResult(status=response.status_code, delivered=True, gone=False)
