"""The mantelzorger's burden as the rest of the record shows it: the latest EDIZ per contact, and its signal."""
from sqlmodel import Session, select

from backend.episodes.ediz import HIGH_FROM, ITEMS
from backend.episodes.models import EdizScore


def latest_by_contact(session: Session, *, client_id: int) -> dict[str, EdizScore]:
    """Return each contact's most recent EDIZ for this client (contact id → row)."""
    rows = session.exec(
        select(EdizScore).where(EdizScore.client_id == client_id).order_by(EdizScore.created_at, EdizScore.id)
    ).all()
    return {row.contact_id: row for row in rows}


def signal_text(*, name: str, score: int) -> str:
    """Return the Dutch signal a high EDIZ raises (on the episode and in the handover)."""
    return (f"Mantelzorger {name} ervaart een hoge belasting (EDIZ {score}/{ITEMS}, hoog vanaf {HIGH_FROM}): "
            "bespreek ondersteuning of respijtzorg.")


def contact_burden(latest: dict[str, EdizScore], *, contact_id: str, name: str) -> dict:
    """Return what a handover keeps of a contact's latest EDIZ (nothing when none was taken)."""
    row = latest.get(contact_id)
    if row is None:
        return {}
    burden = {"ediz": {"score": row.score, "high": row.high, "at": row.created_at.isoformat()}}
    if row.high:
        burden["signal"] = signal_text(name=name, score=row.score)
    return burden
