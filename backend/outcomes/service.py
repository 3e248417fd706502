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
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from backend import errors, vocab
from backend.audit import service as audit
from backend.clients.models import Client
from backend.dispatch.models import Call
from backend.outcomes import queries
from backend.visits.models import Handover, Visit

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
READ_ROLES = ("team_lead", "regional_coordinator")
HOME_OUTCOMES = ("home_resolved", "follow_up_visit", "own_gp", "regular_home_care")
DEFAULT_DAYS = 28
MAX_DAYS = 731
# Upper bounds of the response distribution, in % of the call's own target (the last bin is open).
DISTRIBUTION_PCT = (25, 50, 75, 100, 125, 150, 200, 300)


@dataclass
class UrgencyResponse:
    calls: int = 0
    on_site: int = 0
    within_target: int = 0
    within_target_pct: float | None = None
    p50_minutes: float | None = None
    p90_minutes: float | None = None
    target_minutes: float | None = None


@dataclass
class DistributionBin:
    upto_pct: int | None
    counts: dict[str, int]


@dataclass
class Response:
    on_site: int = 0
    within_target: int = 0
    within_target_pct: float | None = None
    p50_minutes: float | None = None
    p90_minutes: float | None = None
    by_urgency: dict[str, UrgencyResponse] = field(default_factory=dict)
    distribution: list[DistributionBin] = field(default_factory=list)


@dataclass
class CallCounts:
    total: int = 0
    by_urgency: dict[str, int] = field(default_factory=dict)


@dataclass
class Handovers:
    total: int = 0
    acknowledged: int = 0
    acknowledged_pct: float | None = None
    p50_ack_minutes: float | None = None


@dataclass
class Offers:
    offered: int = 0
    first_offer_accepted: int = 0
    first_offer_accepted_pct: float | None = None
    escalations: int = 0


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
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (position - low), 1)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM).astimezone(timezone.utc)


def resolve_period(*, start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """Return [start, end): by default the last 28 days up to the end of today (Amsterdam); checked."""
    if end is None:
        end = _local_midnight(now.astimezone(AMSTERDAM).date() + timedelta(days=1))
    if start is None:
        start = _local_midnight((end - timedelta(seconds=1)).astimezone(AMSTERDAM).date()
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
        week_start = _local_midnight(monday)
        if week_start >= end:
            break
        week_end = _local_midnight(monday + timedelta(days=7))
        year, number, _ = monday.isocalendar()
        weeks.append((f"{year}-W{number:02d}", max(week_start, start), min(week_end, end)))
        monday += timedelta(days=7)
    return weeks


def _compute(session: Session, *, start: datetime, end: datetime, team: str | None,
             buckets: list[Figures]) -> list[Figures]:
    """Fill `buckets` (one per bucket index) with the figures of the calls of [start, end)."""
    bounds = [b.end for b in buckets] if len(buckets) > 1 else None
    pc = queries.period_calls(start=start, end=end, team=team, bounds=bounds)
    for bucket, urgency, total, cancelled, completed, on_site, within in queries.call_counts(session, pc):
        f = buckets[bucket]
        f.calls.total += total
        f.calls.by_urgency[urgency] = total
        f.cancelled += cancelled
        f.completed += completed
        f.response.on_site += on_site
        f.response.within_target += within
        f.response.by_urgency[urgency] = UrgencyResponse(calls=total, on_site=on_site, within_target=within,
                                                         within_target_pct=pct(within, on_site))
    minutes: dict[int, dict[str, list[float]]] = {}
    targets: dict[int, dict[str, list[float]]] = {}
    ratios: dict[int, dict[str, list[float]]] = {}
    for bucket, urgency, response, target in queries.response_minutes(session, pc):
        minutes.setdefault(bucket, {}).setdefault(urgency, []).append(response)
        targets.setdefault(bucket, {}).setdefault(urgency, []).append(target)
        ratios.setdefault(bucket, {}).setdefault(urgency, []).append(100.0 * response / target if target > 0 else 0)
    for bucket, outcome, count in queries.outcome_counts(session, pc):
        buckets[bucket].outcomes[outcome] = count
    for bucket, total, acknowledged in queries.handover_counts(session, pc):
        buckets[bucket].handovers.total, buckets[bucket].handovers.acknowledged = total, acknowledged
    ack_minutes: dict[int, list[float]] = {}
    for bucket, value in queries.acknowledgement_minutes(session, pc):
        ack_minutes.setdefault(bucket, []).append(value)
    for bucket, offered, first_accepted, escalated in queries.offer_counts(session, pc):
        o = buckets[bucket].offers
        o.offered, o.first_offer_accepted, o.escalations = offered, first_accepted, escalated
    for bucket, within_72h, within_30d in queries.recall_counts(session, pc):
        buckets[bucket].recalls_72h, buckets[bucket].recalls_30d = within_72h, within_30d

    for index, f in enumerate(buckets):
        r = f.response
        r.within_target_pct = pct(r.within_target, r.on_site)
        every = [m for values in minutes.get(index, {}).values() for m in values]
        r.p50_minutes, r.p90_minutes = percentile(every, 0.5), percentile(every, 0.9)
        for urgency, values in minutes.get(index, {}).items():
            u = r.by_urgency[urgency]
            u.p50_minutes, u.p90_minutes = percentile(values, 0.5), percentile(values, 0.9)
            u.target_minutes = percentile(targets[index][urgency], 0.5)
        r.by_urgency = {u: r.by_urgency[u] for u in vocab.URGENCIES if u in r.by_urgency}
        r.distribution = _distribution(ratios.get(index, {}))
        f.calls.by_urgency = {u: f.calls.by_urgency[u] for u in vocab.URGENCIES if u in f.calls.by_urgency}
        f.outcomes = {o: f.outcomes[o] for o in vocab.OUTCOMES if o in f.outcomes}
        f.home = sum(f.outcomes.get(o, 0) for o in HOME_OUTCOMES)
        f.home_pct = pct(f.home, f.completed)
        f.handovers.acknowledged_pct = pct(f.handovers.acknowledged, f.handovers.total)
        f.handovers.p50_ack_minutes = percentile(ack_minutes.get(index, []), 0.5)
        f.offers.first_offer_accepted_pct = pct(f.offers.first_offer_accepted, f.offers.offered)
    return buckets


def _distribution(ratios: dict[str, list[float]]) -> list[DistributionBin]:
    """Count responses per bin of % of their target, per urgency (on target exactly is in the ≤ 100 % bin)."""
    bins = [DistributionBin(upto_pct=upto, counts={u: 0 for u in vocab.URGENCIES})
            for upto in (*DISTRIBUTION_PCT, None)]
    for urgency, values in ratios.items():
        for value in values:
            index = next((i for i, upto in enumerate(DISTRIBUTION_PCT) if value <= upto + 1e-6),
                         len(DISTRIBUTION_PCT))
            bins[index].counts[urgency] = bins[index].counts.get(urgency, 0) + 1
    return bins


def period_figures(session: Session, *, actor, now: datetime, start: datetime | None = None,
                   end: datetime | None = None, team: str | None = None) -> Figures:
    """Return the outcomes of the calls created in [start, end) for a team (or the region)."""
    team = resolve_team(actor=actor, team=team)
    start, end = resolve_period(start=start, end=end, now=now)
    return _compute(session, start=start, end=end, team=team, buckets=[Figures(start=start, end=end, team=team)])[0]


def weekly_figures(session: Session, *, actor, now: datetime, start: datetime | None = None,
                   end: datetime | None = None, team: str | None = None) -> list[Figures]:
    """Return the same figures per ISO week (Amsterdam time) of [start, end), oldest first."""
    team = resolve_team(actor=actor, team=team)
    start, end = resolve_period(start=start, end=end, now=now)
    buckets = [Figures(start=s, end=e, team=team, week=label) for label, s, e in iso_weeks(start, end)]
    return _compute(session, start=start, end=end, team=team, buckets=buckets)


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
