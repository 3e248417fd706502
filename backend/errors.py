"""Domain exceptions. Services raise these; api.py turns them into the one error shape."""


class DomainError(Exception):
    """Base of all domain errors."""

    status_code = 400

    def __init__(self, message: str, *, errors: dict | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.extra = extra or {}


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class InvalidTransition(Conflict):
    """A state change that the state machine does not allow."""


class Unprocessable(DomainError):
    """Input that is well-formed but breaks a rule of the field."""

    status_code = 422


class TooManyRequests(DomainError):
    status_code = 429


class Unauthorized(DomainError):
    status_code = 401
