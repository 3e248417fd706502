"""Who is acting: what services need for their rules and for the audit trail (no Flask here)."""
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """A user acting through a request (or a job, or the CLI), and from where."""

    user: object
    role: str
    team: str | None
    organisation: str | None
    token_label: str | None
    request_id: str
    ip: str | None = None
    user_agent: str | None = None
    client_request_id: str | None = None  # what the client sent as X-Request-ID; `request_id` is the server's

    @property
    def user_id(self) -> int:
        return self.user.id

    @classmethod
    def of(cls, user, *, request_id: str | None = None, token_label: str | None = None, ip=None,
           user_agent=None, client_request_id: str | None = None) -> "Actor":
        """Return the actor for a user, outside a request when no request id is given."""
        return cls(user=user, role=user.role, team=user.team, organisation=user.organisation,
                   token_label=token_label, request_id=request_id or f"job-{uuid.uuid4()}", ip=ip,
                   user_agent=user_agent, client_request_id=client_request_id)
