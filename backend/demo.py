"""The demo region: every domain's demo.py `load(session, now)`, in the order of its ORDER."""
from datetime import datetime

from sqlmodel import Session

from backend import registry

DEMO_PASSWORD = "wijkspoed-demo"


def load_all(session: Session, *, now: datetime) -> bool:
    """Load each domain's demo data; return whether anything was new."""
    modules = sorted(registry.domain_modules("demo"), key=lambda m: getattr(m, "ORDER", 100))
    created = False
    for module in modules:
        created = bool(module.load(session, now)) or created
    return created
