"""Settings from the environment, with defaults that work on a fresh clone."""
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("WIJKSPOED_INSTANCE", ROOT / "instance"))

# The test suite hashes hundreds of passwords: it asks for argon2id at a low cost (production keeps the default).
LOW_PASSWORD_COST = os.environ.get("WIJKSPOED_TEST_PASSWORD_COST") == "low"

DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com,updates.push.services.mozilla.com,push.services.mozilla.com,"
    "web.push.apple.com,notify.windows.com,wns2-par02p.notify.windows.com"
)


def instance_secret(name: str, nbytes: int = 32) -> str:
    """Read a secret kept under instance/, making it on first use (never in git)."""
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / name
    if not path.exists():
        # Written whole under a name of its own, then linked into place: of processes starting at once (gunicorn
        # workers, test workers on a fresh clone) the first link wins and the others read that secret, never a
        # half-written file.
        tmp = INSTANCE / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(nbytes))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            tmp.unlink()
    return path.read_text().strip()


# The travel estimate of dispatch's ranking (pure functions with no app at hand): read once per process.
TRAVEL_ROAD_FACTOR = float(os.environ.get("TRAVEL_ROAD_FACTOR", "1.3"))
TRAVEL_SPEED_KMH = float(os.environ.get("TRAVEL_SPEED_KMH", "40"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config() -> dict:
    """Build the app config from the environment."""
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'wijkspoed.db'}",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or instance_secret("secret_key"),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Strict",
        "SESSION_COOKIE_NAME": "wijkspoed_session",
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "PUSH_ALLOWED_HOSTS": os.environ.get("PUSH_ALLOWED_HOSTS", DEFAULT_PUSH_HOSTS),
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY"),  # else made under instance/ on first use
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "mailto:beheer@wijkspoed.nl"),
        "PUSH_TIMEOUT_SECONDS": float(os.environ.get("PUSH_TIMEOUT_SECONDS", "40")),  # per send, capped by the push's life
        "PUSH_DELIVERY": os.environ.get("PUSH_DELIVERY"),  # thread | inline | off; unset: inline when testing
        "DISPATCH_TICK_SECONDS": float(os.environ.get("DISPATCH_TICK_SECONDS", "5")),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_WINDOW_SECONDS": int(os.environ.get("LOGIN_WINDOW_SECONDS", "900")),
        # Addresses: the PDOK Locatieserver (BAG) by default; a geocoder slower than the timeout counts as down.
        "GEOCODER_URL": os.environ.get("GEOCODER_URL", "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"),
        "GEOCODER_TIMEOUT_SECONDS": float(os.environ.get("GEOCODER_TIMEOUT_SECONDS", "3")),
        "ROSTER_TIME_LIMIT": float(os.environ.get("ROSTER_TIME_LIMIT") or 20.0),  # seconds one roster solve may take
        "API_TITLE": "Wijkspoed API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/docs/static/",  # served from the swagger-ui-bundle package
        "OPENAPI_RAPIDOC_PATH": None,
    }
