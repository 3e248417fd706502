"""Domain exceptions. Services raise these; api.py turns them into the one error shape (status from the class)."""


class DomainError(Exception):
    """Base of all domain errors: a 400 unless a subclass names its status (`class X(DomainError, status=404)`)."""

    status_code = 400

    def __init_subclass__(cls, status: int | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status_code = status

    def __init__(self, message: str, *, errors: dict | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.extra = extra or {}


class NotFound(DomainError, status=404):
    """No such thing, or not one this user may know of."""


class Forbidden(DomainError, status=403):
    """A known user who may not do this."""


class Conflict(DomainError, status=409):
    """The state on the server does not allow this (now)."""


class InvalidTransition(Conflict):
    """A state change that the state machine does not allow."""


class Unprocessable(DomainError, status=422):
    """Input that is well-formed but breaks a rule of the field."""


class TooManyRequests(DomainError, status=429):
    """Too many attempts in the window."""


class Unauthorized(DomainError, status=401):
    """Not logged in, or the session or token is no longer valid."""
