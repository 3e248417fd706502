"""Time: aware UTC everywhere, and a clock that tests can set."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(timezone.utc)


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return utcnow()


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime | None = None):
        self.current = start or utcnow()

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs) -> datetime:
        self.current = self.current + timedelta(**kwargs)
        return self.current

    def set(self, moment: datetime) -> None:
        self.current = moment


def as_utc(moment: datetime) -> datetime:
    """Make a datetime aware UTC (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
