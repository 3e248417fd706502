"""Find the domain folders: each may bring init_app, models, routes (blp), jobs (register) and demo data (load)."""
import importlib
import pkgutil
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The foundation's domains first: later ones build on their tables.
FIRST = ("identity", "clients", "audit", "dispatch")


def domains() -> list[str]:
    """Return the names of the domain packages under backend/, foundation first."""
    found = [m.name for m in pkgutil.iter_modules([str(PACKAGE_DIR)]) if m.ispkg and m.name != "migrations"]
    return [d for d in FIRST if d in found] + sorted(d for d in found if d not in FIRST)


def domain_modules(name: str) -> list:
    """Import `backend.<domain>.<name>` for every domain that has it."""
    modules = []
    for domain in domains():
        if (PACKAGE_DIR / domain / f"{name}.py").exists():
            modules.append(importlib.import_module(f"backend.{domain}.{name}"))
    return modules


def init_extensions(app) -> None:
    """Call `init_app(app)` of every domain package that has one (what a domain builds once per app)."""
    for domain in domains():
        package = importlib.import_module(f"backend.{domain}")
        if hasattr(package, "init_app"):
            package.init_app(app)


def import_models() -> None:
    """Import every domain's models so SQLModel.metadata holds all tables."""
    domain_modules("models")
