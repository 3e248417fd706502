"""Outcomes the team can show: response against the NTS target, "thuis, tenzij", warm handovers, re-calls.

The definitions (API.md, "Outcomes (v1.1)"), written once, here. A period is [from, to) on a call's
`created_at`, for one team, or for the whole region (a regional coordinator without `team`):

- `calls`: calls created in the period, `by_urgency` on their current urgency; `cancelled`: of those, cancelled.
- `response`: response = `on_site_at` − `created_at`, over the calls that were on site (a call cancelled
  before, or not yet on site, has no response); within target when `on_site_at` ≤ `target_at` (exactly on
  target counts). Planned follow-up visits (`planned_for` set) have no response: NTS response targets
  measure the wait after a triaged request, and a planned visit waits for a time agreed with the client.
  `within_target_pct` = within / on site. p50/p90 interpolate linearly between the closest
  ranks (PostgreSQL's `percentile_cont`), in minutes. `distribution`: responses as % of their own target.
- `outcomes`: completed calls per visit outcome; `home_pct` = outcomes `home_resolved`, `follow_up_visit`,
  `own_gp`, `regular_home_care` over all completed calls.
- `handovers`: handovers written for the period's calls; `acknowledged_pct` = acknowledged / total;
  `p50_ack_minutes` = median of `acknowledged_at` − handover `created_at`.
- `offers`: `first_offer_accepted_pct` = calls accepted on their first and only offer (no decline, no
  expiry, no second offer) over calls offered at least once; `escalations` = calls with an expired offer
  or a team-lead alert.
- `recalls_72h` / `recalls_30d`: completed calls followed by another call for the same client created after
  the completion (`closed_at`) and at most 72 hours / 30 days after it; a planned follow-up visit is not one.

Percentages carry one decimal and are null when there is nothing to divide by.
"""
import csv
from bisect import bisect_left, bisect_right
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlmodel import Session

from backend import errors, vocab
from backend.audit import service as audit
from backend.clients.models import Client
from backend.dispatch.models import Call
from backend.outcomes import cells, queries, rollup
from backend.outcomes.cells import DISTRIBUTION_PCT, Cell
from backend.outcomes.rollup import AMSTERDAM
from backend.visits.models import Handover, Visit

READ_ROLES = ("team_lead", "regional_coordinator")
HOME_OUTCOMES = ("home_resolved", "follow_up_visit", "own_gp", "regular_home_care")
DEFAULT_DAYS = 28
MAX_DAYS = 731


@dataclass
class ResponseFigures:
    """How fast a set of calls was answered (`fill` reads them from a cell)."""

    on_site: int = 0
    within_target: int = 0
    within_target_pct: float | None = None
    p50_minutes: float | None = None
    p90_minutes: float | None = None

    def fill(self, cell: Cell):
        """Set these figures from `cell`'s calls; return self."""
        minutes = cell.ordered("response_minutes")
        self.on_site, self.within_target = cell.on_site, cell.within_target
        self.within_target_pct = pct(cell.within_target, cell.on_site)
        self.p50_minutes, self.p90_minutes = percentile_of_sorted(minutes, 0.5), percentile_of_sorted(minutes, 0.9)
        return self


@dataclass
class UrgencyResponse(ResponseFigures):
    calls: int = 0
    target_minutes: float | None = None


@dataclass
class DistributionBin:
    upto_pct: int | None = field(metadata={"description": "Upper bound in % of target; null: above the last"})
    counts: dict[str, int]


@dataclass
class Response(ResponseFigures):
    by_urgency: dict[str, UrgencyResponse] = field(default_factory=dict)
    distribution: list[DistributionBin] = field(default_factory=list)


@dataclass
class CallCounts:
    total: int = 0
    by_urgency: dict[str, int] = field(default_factory=dict)


@dataclass
class Handovers:
    """How the period's handovers were received (`fill` reads them from a cell)."""

    total: int = 0
    acknowledged: int = 0
    acknowledged_pct: float | None = None
    p50_ack_minutes: float | None = field(default=None, metadata={
        "description": "Median minutes from writing a handover to its acknowledgement"})

    def fill(self, cell: Cell):
        """Set these figures from `cell`'s handovers; return self."""
        self.total, self.acknowledged = cell.handovers, cell.acknowledged
        self.acknowledged_pct = pct(cell.acknowledged, cell.handovers)
        self.p50_ack_minutes = percentile_of_sorted(cell.ordered("ack_minutes"), 0.5)
        return self


@dataclass
class Offers:
    """How the period's calls were offered (`fill` reads them from a cell)."""

    offered: int = 0
    first_offer_accepted: int = 0
    first_offer_accepted_pct: float | None = None
    escalations: int = 0

    def fill(self, cell: Cell):
        """Set these figures from `cell`'s offers; return self."""
        self.offered, self.first_offer_accepted, self.escalations = (cell.offered, cell.first_offer_accepted,
                                                                     cell.escalations)
        self.first_offer_accepted_pct = pct(cell.first_offer_accepted, cell.offered)
        return self


@dataclass
class Figures:
    """The outcomes of one period (or one ISO week: then `week` names it)."""

    start: datetime
    end: datetime
    team: str | None
    week: str | None = None
    calls: CallCounts = field(default_factory=CallCounts)
    response: Response = field(default_factory=Response)
    outcomes: dict[str, int] = field(default_factory=dict)
    completed: int = 0
    home: int = 0
    home_pct: float | None = None
    handovers: Handovers = field(default_factory=Handovers)
    offers: Offers = field(default_factory=Offers)
    recalls_72h: int = 0
    recalls_30d: int = 0
    cancelled: int = 0


@dataclass
class Export:
    filename: str
    text: str
    rows: int


def pct(part: int, whole: int) -> float | None:
    """Return part/whole in %, one decimal; None when whole is 0."""
    return round(100.0 * part / whole, 1) if whole else None


def percentile(values: list[float], q: float) -> float | None:
    """Return the q-quantile (0–1) by linear interpolation between closest ranks, one decimal; None if empty."""
    return percentile_of_sorted(sorted(values), q)


def percentile_of_sorted(ordered, q: float) -> float | None:
    """`percentile` of values already sorted (a list or a numpy array: the same Python float arithmetic)."""
    if not len(ordered):
        return None
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    at_low, at_high = float(ordered[low]), float(ordered[high])
    return round(at_low + (at_high - at_low) * (position - low), 1)


def resolve_period(*, start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """Return [start, end): by default the last 28 days up to the end of today (Amsterdam); checked."""
    if end is None:
        end = rollup.local_midnight(now.astimezone(AMSTERDAM).date() + timedelta(days=1))
    if start is None:
        start = rollup.local_midnight((end - timedelta(seconds=1)).astimezone(AMSTERDAM).date()
                                - timedelta(days=DEFAULT_DAYS - 1))
    if end <= start:
        raise errors.Unprocessable("'to' moet na 'from' liggen.", errors={"to": ["Ligt niet na 'from'."]})
    if end - start > timedelta(days=MAX_DAYS):
        raise errors.Unprocessable(f"Kies een periode van hoogstens {MAX_DAYS} dagen.",
                                   errors={"from": ["Periode te lang."]})
    return start, end


def resolve_team(*, actor, team: str | None) -> str | None:
    """Return the team whose figures the actor reads: a team lead her own only; a regional coordinator any."""
    if actor.role == "regional_coordinator":
        return team
    if actor.role == "team_lead" and actor.team:
        if team is not None and team != actor.team:
            raise errors.Forbidden("Je ziet alleen de cijfers van je eigen team.")
        return actor.team
    raise errors.Forbidden("Alleen een teamleider of regionaal coördinator ziet deze cijfers.")


def iso_weeks(start: datetime, end: datetime) -> list[tuple[str, datetime, datetime]]:
    """Return the ISO weeks (Amsterdam time) that [start, end) touches: (label, start, end), clipped to it."""
    weeks = []
    first = start.astimezone(AMSTERDAM).date()
    monday = first - timedelta(days=first.weekday())
    while True:
        week_start = rollup.local_midnight(monday)
        if week_start >= end:
            break
        week_end = rollup.local_midnight(monday + timedelta(days=7))
        year, number, _ = monday.isocalendar()
        weeks.append((f"{year}-W{number:02d}", max(week_start, start), min(week_end, end)))
        monday += timedelta(days=7)
    return weeks


# More live ranges than this are read in one pass over their hull (a filter per range) instead of one each.
MAX_LIVE_RANGES = 4


def _cells(session: Session, *, start: datetime, end: datetime, team: str | None, bounds: list[datetime] | None,
           live: bool) -> dict[tuple[int, str], Cell]:
    """Return the cells of [start, end) per (bucket, urgency): stored days from the rollup, the rest live."""
    plan = rollup.Plan(days={}, live=[(start, end)]) if live else rollup.plan(session, start=start, end=end,
                                                                               bounds=bounds)
    merged: dict[tuple[int, str], Cell] = {}
    rollup.add_stored(session, days=plan.days, team=team, into=merged)
    found = []
    if len(plan.live) <= MAX_LIVE_RANGES:
        for a, b in plan.live:
            found += _live_range(session, start=a, end=b, team=team, bounds=bounds)
    else:
        found += cells.live_cells(session, start=plan.live[0][0], end=plan.live[-1][1], team=team, bounds=bounds,
                                  ranges=plan.live).items()
    for (bucket, _team, urgency), cell in found:
        if (bucket, urgency) in merged:
            merged[bucket, urgency].add(cell)
        else:
            merged[bucket, urgency] = cell
    return merged


def _live_range(session: Session, *, start: datetime, end: datetime, team: str | None,
                bounds: list[datetime] | None) -> list:
    """Return the live cells of [start, end); a range inside one bucket (today, a touched day) is read without
    the buckets' CASE (cheaper to plan) and its cells moved to that bucket."""
    if bounds:
        first = min(bisect_right(bounds, start), len(bounds) - 1)
        if first == min(bisect_left(bounds, end), len(bounds) - 1):
            return [((first, t, u), cell) for (_, t, u), cell in
                    cells.live_cells(session, start=start, end=end, team=team).items()]
    return list(cells.live_cells(session, start=start, end=end, team=team, bounds=bounds).items())


def _compute(session: Session, *, start: datetime, end: datetime, team: str | None,
             buckets: list[Figures], live: bool = False) -> list[Figures]:
    """Fill `buckets` (one per bucket index) with the figures of the calls of [start, end).

    The rollup's stored days and the live queries give the same cells (`rollup.py`); `live` skips the rollup.
    """
    bounds = [b.end for b in buckets] if len(buckets) > 1 else None
    by_bucket: dict[int, dict[str, Cell]] = {}
    for (bucket, urgency), cell in _cells(session, start=start, end=end, team=team, bounds=bounds,
                                          live=live).items():
        if cell.calls:
            by_bucket.setdefault(bucket, {})[urgency] = cell
    for index, f in enumerate(buckets):
        _fill(f, by_bucket.get(index, {}))
    return buckets


def _fill(f: Figures, by_urgency: dict[str, Cell]) -> None:
    """Fill one bucket's figures from its cells, one per urgency."""
    total = Cell()
    r = f.response
    for urgency in vocab.URGENCIES:
        cell = by_urgency.get(urgency)
        if cell is None:
            continue
        total.add(cell)
        f.calls.by_urgency[urgency] = cell.calls
        r.by_urgency[urgency] = UrgencyResponse(
            calls=cell.calls, target_minutes=percentile_of_sorted(cell.ordered("target_minutes"), 0.5)).fill(cell)
    f.calls.total, f.cancelled, f.completed = total.calls, total.cancelled, total.completed
    r.fill(total)
    r.distribution = [DistributionBin(upto_pct=upto, counts={u: 0 for u in vocab.URGENCIES})
                      for upto in (*DISTRIBUTION_PCT, None)]
    for urgency, cell in by_urgency.items():
        for b, count in zip(r.distribution, cell.distribution):
            b.counts[urgency] = b.counts.get(urgency, 0) + count
    f.outcomes = {o: total.outcomes[o] for o in vocab.OUTCOMES if o in total.outcomes}
    f.home = sum(f.outcomes.get(o, 0) for o in HOME_OUTCOMES)
    f.home_pct = pct(f.home, f.completed)
    f.handovers.fill(total)
    f.offers.fill(total)
    f.recalls_72h, f.recalls_30d = total.recalls_72h, total.recalls_30d


def period_figures(session: Session, *, actor, now: datetime, start: datetime | None = None,
                   end: datetime | None = None, team: str | None = None, live: bool = False) -> Figures:
    """Return the outcomes of the calls created in [start, end) for a team (or the region).

    `live` reads every call instead of the rollup's stored days (the same figures; tests compare the two).
    """
    team = resolve_team(actor=actor, team=team)
    start, end = resolve_period(start=start, end=end, now=now)
    return _compute(session, start=start, end=end, team=team, buckets=[Figures(start=start, end=end, team=team)],
                    live=live)[0]


def weekly_figures(session: Session, *, actor, now: datetime, start: datetime | None = None,
                   end: datetime | None = None, team: str | None = None, live: bool = False) -> list[Figures]:
    """Return the same figures per ISO week (Amsterdam time) of [start, end), oldest first (`live`: as above)."""
    team = resolve_team(actor=actor, team=team)
    start, end = resolve_period(start=start, end=end, now=now)
    buckets = [Figures(start=s, end=e, team=team, week=label) for label, s, e in iso_weeks(start, end)]
    return _compute(session, start=start, end=end, team=team, buckets=buckets, live=live)


EXPORT_COLUMNS = (
    "client_key", "postcode4", "age_band", "team", "category", "urgency", "source", "created_date",
    "created_hour", "status", "response_minutes", "within_target", "outcome", "handovers",
    "handovers_acknowledged", "recall_72h", "recall_30d",
)


def _age_band(birth: date | None, on: date) -> str:
    if birth is None:
        return ""
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    low = age // 5 * 5
    return f"{low}-{low + 4}"


def export_calls(session: Session, *, actor, now: datetime, start: datetime | None = None,
                 end: datetime | None = None, team: str | None = None) -> Export:
    """Return one pseudonymised CSV row per call of the period; audited (who, period, team, rows).

    No name, BSN, address or phone leaves; the postcode is cut to its 4 digits and birth dates to 5-year
    bands; the client key is an HMAC under a key made for this export only, so re-calls can be counted
    within one export but not linked across two.
    """
    team = resolve_team(actor=actor, team=team)
    start, end = resolve_period(start=start, end=end, now=now)
    key = secrets.token_bytes(32)
    pc = queries.period_calls(start=start, end=end, team=team)
    handovers = (
        sa.select(Handover.call_id, sa.func.count(Handover.id).label("total"),
                  sa.func.count(Handover.acknowledged_at).label("acknowledged"))
        .group_by(Handover.call_id).subquery("ho")
    )
    completed = sa.and_(pc.c.status == "completed", pc.c.closed_at.is_not(None))
    rows = session.execute(
        sa.select(pc.c.client_id, Client.postcode, Client.birth_date, Call.team, Call.category, pc.c.urgency,
                  Call.source, pc.c.created_at, pc.c.status,
                  queries.minutes_between(pc.c.on_site_at, pc.c.created_at), pc.c.on_site_at <= pc.c.target_at,
                  Visit.outcome, handovers.c.total, handovers.c.acknowledged,
                  sa.and_(completed, queries.recalled_within(pc, 72)),
                  sa.and_(completed, queries.recalled_within(pc, 30 * 24)))
        .join(Call, Call.id == pc.c.id)
        .join(Client, Client.id == pc.c.client_id)
        .outerjoin(Visit, Visit.call_id == pc.c.id)
        .outerjoin(handovers, handovers.c.call_id == pc.c.id)
        .order_by(pc.c.created_at, pc.c.id)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for (client_id, postcode, birth, call_team, category, urgency, source, created, status, response, within,
         outcome, n_handovers, n_acknowledged, recall_72h, recall_30d) in rows:
        local = created.astimezone(AMSTERDAM) if created.tzinfo else created.replace(tzinfo=timezone.utc).astimezone(AMSTERDAM)
        client_key = hmac.new(key, str(client_id).encode(), hashlib.sha256).hexdigest()[:16]
        writer.writerow([
            client_key, "".join(ch for ch in (postcode or "") if ch.isdigit())[:4], _age_band(birth, local.date()),
            call_team, category, urgency, source, local.date().isoformat(), local.hour, status,
            "" if response is None else round(response, 1), "" if within is None else int(bool(within)),
            outcome or "", n_handovers or 0, n_acknowledged or 0, int(bool(recall_72h)), int(bool(recall_30d)),
        ])
    audit.record(session, actor=actor, action="kpis.export", client_id=None, now=now,
                 data="pseudonieme export van meldingen",
                 detail={"from": start.isoformat(), "to": end.isoformat(), "team": team, "rows": len(rows)})
    session.commit()
    stamp = start.astimezone(AMSTERDAM).date().isoformat()
    return Export(filename=f"wijkspoed-{team or 'regio'}-{stamp}.csv", text=out.getvalue(), rows=len(rows))
