"""Who may read or change a team's roster records: by id, within the actor's own team, as a nurse's team lead."""
from sqlmodel import Session

from backend import errors
from backend.identity.models import Team, User
from backend.vocab import MAX_ID


def get_row(session: Session, model, row_id: int):
    """Return a row by id; an id no column can hold is simply not there."""
    return session.get(model, row_id) if 0 < row_id <= MAX_ID else None


def team_row(session: Session, model, row_id: int, *, actor, missing: str):
    """Return a row of the actor's team by id, or raise NotFound (`missing` says what is not there)."""
    row = get_row(session, model, row_id)
    if row is None:
        raise errors.NotFound(missing)
    check_team(actor, row.team, session)
    return row


def check_team(actor, team: str, session: Session) -> None:
    """Refuse an unknown team (teams are rows), and a team other than the actor's own."""
    if session.get(Team, team) is None:
        raise errors.Unprocessable(f"Onbekend team '{team}'.", errors={"team": ["Dit team bestaat niet."]})
    if actor is not None and actor.role != "admin" and actor.team != team:
        raise errors.Forbidden("Je kunt alleen het rooster van je eigen team inzien of plannen.")


def own_team(actor, team: str | None, session: Session) -> str:
    """The team asked for, else the actor's own."""
    team = team or actor.team or ""
    check_team(actor, team, session)
    return team


def nurse_filter(actor, nurse_id: int | None) -> int | None:
    """The one nurse a roster listing is narrowed to: a nurse always sees only her own, a team lead whom she asks."""
    if actor.role != "nurse":
        return nurse_id
    if nurse_id not in (None, actor.user_id):
        raise errors.Forbidden("Een verpleegkundige ziet alleen haar eigen rooster.")
    return actor.user_id


def plannable_nurse(session: Session, *, actor, nurse_id: int, self_allowed: bool) -> User:
    """Return a nurse the actor may plan for: as her team lead or (if allowed) as herself."""
    nurse = get_row(session, User, nurse_id)
    if nurse is None or nurse.role != "nurse":
        raise errors.NotFound(f"Verpleegkundige {nurse_id} bestaat niet.")
    if self_allowed and actor.role == "nurse" and actor.user_id == nurse_id:
        return nurse
    if actor.role != "team_lead" or actor.team != nurse.team:
        raise errors.Forbidden("Alleen de teamleider van haar team" + (" of zijzelf." if self_allowed else "."))
    return nurse
