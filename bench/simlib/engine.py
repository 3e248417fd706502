"""Play a night through the real service layer on a scratch SQLite database, with an injected clock.

Calls are created with `dispatch.service.create_call` (as the HAP), offered by a policy through
`offer_call` / `offer_next`, accepted, moved en route and on site with `set_call_status`, and completed with
`complete_call` — so what is measured is the product's state machine and its ranking, not a copy of them.
Nurses accept an offer at once and drive straight there; travel takes what the recommender's own travel model
(`recommend.HaversineEstimator`) says. Time moves only when the simulation says so (`FixedClock`).
"""
from __future__ import annotations

import heapq
import itertools
import math
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event
from sqlmodel import Session, SQLModel, select

from backend import registry
from backend.db import make_engine
from backend.dispatch import ranking, service
from backend.dispatch.models import Call, CallEvent
from backend.dispatch.recommend import HaversineEstimator
from backend.identity.actor import Actor
from backend.identity.models import Team, User
from backend.identity.service import ensure_teams
from backend.timeutil import FixedClock

from bench.simlib.scenario import Night

TEAM = "acute"
# The clock's tick re-ranks waiting calls (the product ticks every 5 s). Between events only time moves, and
# with it only the estimates and the slack of held calls: every 15 minutes is enough for those.
TICK_MINUTES = 15
POLICIES = ("today", "nearest", "new")


def travel_minutes(origin: tuple[float, float], destination: tuple[float, float]) -> int:
    """Whole minutes of a trip by the recommender's travel model (at least 1)."""
    return max(1, math.ceil(HaversineEstimator().estimate(origin, destination).minutes))


@dataclass
class Outcome:
    """What happened to one call of the night."""

    key: int
    urgency: str
    category: str
    created: int  # minutes from the night's start
    target: int
    on_site: int | None = None
    closed: int | None = None
    accepted: int | None = None  # when a nurse took it: before, it waited; after, she drove
    held: int = 0  # times the policy let it wait while a nurse was free (a `hold` of ranking ahead)
    nurse: str | None = None

    @property
    def within_target(self) -> bool:
        return self.on_site is not None and self.on_site <= self.target

    @property
    def lateness(self) -> int:
        return max(0, (self.on_site if self.on_site is not None else 10**6) - self.target)

    @property
    def response(self) -> int | None:
        return None if self.on_site is None else self.on_site - self.created


@dataclass
class NightResult:
    """A policy's night: each call's outcome and each nurse's busy minutes."""

    policy: str
    scenario: str
    seed: int
    outcomes: list[Outcome]
    busy_minutes: dict[str, int] = field(default_factory=dict)
    calls_per_nurse: dict[str, int] = field(default_factory=dict)


class InvariantError(AssertionError):
    """The night broke a rule the product must keep."""


class Simulation:
    """One night under one policy."""

    def __init__(self, night: Night, policy: str, *, workdir: Path | None = None):
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}")
        self.night, self.policy = night, policy
        # A scratch database in memory-backed storage where there is one: no disk waits between steps.
        scratch = "/dev/shm" if Path("/dev/shm").is_dir() else None
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="wijkspoed-sim-", dir=scratch)
        path = Path(workdir or self._tmp.name) / f"night-{night.scenario}-{night.seed}-{policy}.db"
        path.unlink(missing_ok=True)
        registry.import_models()
        self.engine = make_engine(f"sqlite:///{path}")
        # The product's engine settings (WAL, foreign keys, BEGIN IMMEDIATE), minus fsync: a scratch database.
        event.listen(self.engine, "connect", lambda conn, _record: conn.execute("PRAGMA synchronous=OFF"))
        SQLModel.metadata.create_all(self.engine)
        self.clock = FixedClock(night.start)
        self.session = Session(self.engine, expire_on_commit=False)
        self._queue: list = []
        self._seq = itertools.count()
        self.place: dict[int, tuple[float, float]] = {}  # nurse id → where she is (base or last client)
        self.busy_with: dict[int, int | None] = {}  # nurse id → call id she holds
        self.outcomes: dict[int, Outcome] = {}  # call id → outcome
        self.nurse_key: dict[int, str] = {}
        self._setup()

    # -- setup -----------------------------------------------------------------------------------------
    def _setup(self) -> None:
        s, now = self.session, self.clock.now()
        ensure_teams(s)
        team = s.get(Team, TEAM)
        team.auto_offer = True  # the product's auto-offer path (offer_next) is what policy "new" runs
        hap = User(username="hap", password_hash="-", role="hap", name="Triagist HAP", organisation="HAP Deventer",
                   created_at=now)
        s.add(hap)
        nurses = []
        for spec in self.night.nurses:
            nurse = User(username=spec.key, password_hash="-", role="nurse", name=spec.name, team=TEAM,
                         skills=list(spec.skills), base_lat=spec.base[0], base_lon=spec.base[1],
                         availability="available", availability_set_at=now, created_at=now)
            s.add(nurse)
            nurses.append((spec, nurse))
        s.commit()
        self.hap = Actor.of(hap, request_id="sim")
        self.system = service.SystemActor(team=TEAM)
        self.nurses = {}
        for spec, nurse in nurses:
            self.nurses[nurse.id] = Actor.of(nurse, request_id="sim")
            self.place[nurse.id] = spec.base
            self.busy_with[nurse.id] = None
            self.nurse_key[nurse.id] = spec.key
        for spec in self.night.calls:
            self._push(spec.minute, "arrive", spec)

    def _push(self, minute: int, kind: str, payload) -> None:
        heapq.heappush(self._queue, (minute, next(self._seq), kind, payload))

    def _now(self) -> datetime:
        return self.clock.now()

    def _minute(self, moment: datetime) -> int:
        return round((moment - self.night.start).total_seconds() / 60)

    # -- the night -------------------------------------------------------------------------------------
    def run(self, *, close: bool = True) -> NightResult:
        """Play the night until every call has ended; check the invariants; return the outcomes."""
        next_tick = 0
        try:
            while self._queue or self._open_calls():
                minute = self._queue[0][0] if self._queue else next_tick
                if self._queue and next_tick < minute and self._open_calls():
                    minute = next_tick  # a tick before the next event: waiting calls are re-ranked
                self.clock.set(self.night.start + timedelta(minutes=minute))
                # After a tick or a nurse freeing up every waiting call is ranked again; after arrivals only
                # the new calls (nobody got free, so the others' answer has not changed); after arriving on
                # site nothing (it frees nobody).
                everything = minute >= next_tick
                self._arrived: list[int] = []
                while self._queue and self._queue[0][0] == minute:
                    _, _, kind, payload = heapq.heappop(self._queue)
                    getattr(self, f"_on_{kind}")(payload)
                    everything = everything or kind == "complete"
                if everything or self._arrived:
                    self._dispatch(None if everything else self._arrived)
                if minute >= next_tick:
                    next_tick = minute + TICK_MINUTES
                if minute > 7 * 24 * 60:
                    raise InvariantError("the night does not end: calls wait for a week")
            check_invariants(self.session, expected_calls=len(self.night.calls), nurse_ids=list(self.nurses))
            return self._result()
        finally:
            if close:
                self.close()

    def close(self) -> None:
        self.session.close()
        self.engine.dispose()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _on_arrive(self, spec) -> None:
        call = service.create_call(self.session, actor=self.hap, now=self._now(), data={
            "client": {"name": f"Cliënt {spec.key}", "birth_date": date(1938, 1, 1), "address": "Simulatie 1",
                       "postcode": "7411 AA", "city": spec.area, "lat": spec.lat, "lon": spec.lon},
            "team": TEAM, "category": spec.category, "urgency": spec.urgency,
            "complaint": f"Gesimuleerde melding {spec.key}", "source": "hap",
        })
        self.outcomes[call.id] = Outcome(key=spec.key, urgency=spec.urgency, category=spec.category,
                                         created=spec.minute, target=self._minute(call.target_at))
        self._specs = getattr(self, "_specs", {})
        self._specs[call.id] = spec
        self._arrived.append(call.id)

    def _on_on_site(self, payload) -> None:
        call_id, nurse_id = payload
        service.set_call_status(self.session, actor=self.nurses[nurse_id], call_id=call_id, status="on_site",
                                now=self._now())
        spec = self._specs[call_id]
        self.place[nurse_id] = (spec.lat, spec.lon)
        self.outcomes[call_id].on_site = self._minute(self._now())
        self._push(self._minute(self._now()) + spec.visit_minutes, "complete", (call_id, nurse_id))

    def _on_complete(self, payload) -> None:
        call_id, nurse_id = payload
        service.complete_call(self.session, actor=self.nurses[nurse_id], call_id=call_id, now=self._now(),
                              closing_note="Thuis opgelost (simulatie).")
        self.busy_with[nurse_id] = None
        self.outcomes[call_id].closed = self._minute(self._now())

    # -- dispatch: the policy decides, the nurse accepts at once ------------------------------------------
    def _open_calls(self) -> list[int]:
        ids = self.session.scalars(
            select(Call.id).where(Call.status == "open").order_by(Call.target_at, Call.id)
        ).all()
        self.session.rollback()
        return list(ids)

    def _dispatch(self, only: list[int] | None = None) -> None:
        for call_id in self._open_calls():
            if only is not None and call_id not in only:
                continue
            if all(held is not None for held in self.busy_with.values()):
                return  # nobody is free: no policy can offer (the product would find the same)
            offered_to = self._offer(call_id)
            if offered_to is not None:
                self._accept(call_id, offered_to)
            else:
                self.outcomes[call_id].held += 1

    def _offer(self, call_id: int) -> int | None:
        s, now = self.session, self._now()
        if self.policy == "new":
            call = service.offer_next(s, call_id=call_id, now=now, reason="automatisch")
            return call.nurse_id if call is not None else None
        call = s.get(Call, call_id, populate_existing=True)
        if self.policy == "today":
            ranked = [r for r in ranking.rank_for_call(s, call=call, now=now, lookahead=False) if not r.declined]
            choice = ranked[0].nurse_id if ranked else None
        else:  # nearest free nurse with the skill, by the same travel model
            place = (call.client.lat, call.client.lon)
            found = ranking.candidates(s, call=call, now=now)
            found = [c for c in found if c.lat is not None]
            choice = min(found, key=lambda c: (travel_minutes((c.lat, c.lon), place), c.nurse_id)).nurse_id \
                if found else None
        s.rollback()
        if choice is None:
            return None
        service.offer_call(s, actor=self.system, call_id=call_id, nurse_id=choice, now=now, reason="simulatie")
        return choice

    def _accept(self, call_id: int, nurse_id: int) -> None:
        if self.busy_with[nurse_id] is not None:
            raise InvariantError(f"nurse {nurse_id} was offered call {call_id} while holding "
                                 f"{self.busy_with[nurse_id]}")
        now, actor = self._now(), self.nurses[nurse_id]
        service.accept_call(self.session, actor=actor, call_id=call_id, now=now)
        service.set_call_status(self.session, actor=actor, call_id=call_id, status="en_route", now=now)
        self.busy_with[nurse_id] = call_id
        spec = self._specs[call_id]
        self.outcomes[call_id].nurse = self.nurse_key[nurse_id]
        self.outcomes[call_id].accepted = self._minute(now)
        self._push(self._minute(now) + travel_minutes(self.place[nurse_id], (spec.lat, spec.lon)), "on_site",
                   (call_id, nurse_id))

    # -- invariants and results ------------------------------------------------------------------------
    def _result(self) -> NightResult:
        busy: dict[str, int] = {key: 0 for key in self.nurse_key.values()}
        count: dict[str, int] = {key: 0 for key in self.nurse_key.values()}
        calls = self.session.exec(select(Call)).all()
        for call in calls:
            key = self.nurse_key[call.nurse_id]
            busy[key] += self._minute(call.closed_at) - self._minute(call.accepted_at)
            count[key] += 1
        self.session.rollback()
        outcomes = sorted(self.outcomes.values(), key=lambda o: o.key)
        return NightResult(self.policy, self.night.scenario, self.night.seed, outcomes, busy, count)


def check_invariants(session: Session, *, expected_calls: int, nurse_ids: list[int]) -> None:
    """No call held twice, no nurse in two places, every call ends — read back from the database."""
    s = session
    calls = s.exec(select(Call)).all()
    if len(calls) != expected_calls:
        raise InvariantError(f"{len(calls)} calls in the database, {expected_calls} in the night")
    for call in calls:
        if call.status != "completed" or call.closed_at is None or call.on_site_at is None:
            raise InvariantError(f"call {call.id} did not end: {call.status}")
    events = s.exec(select(CallEvent).order_by(CallEvent.call_id, CallEvent.at, CallEvent.id)).all()
    accepted: dict[int, list[int]] = {}
    for event in events:
        if event.type == "accepted":
            accepted.setdefault(event.call_id, []).append(event.nurse_id)
    for call in calls:
        if accepted.get(call.id) != [call.nurse_id]:
            raise InvariantError(f"call {call.id} was held by {accepted.get(call.id)}, ends with {call.nurse_id}")
    by_nurse: dict[int, list[Call]] = {}
    for call in calls:
        by_nurse.setdefault(call.nurse_id, []).append(call)
    for nurse_id, held in by_nurse.items():
        held.sort(key=lambda c: c.accepted_at)
        for before, after in zip(held, held[1:]):
            if after.accepted_at < before.closed_at:
                raise InvariantError(f"nurse {nurse_id} held calls {before.id} and {after.id} at once")
    for nurse_id in nurse_ids:
        user = s.get(User, nurse_id, populate_existing=True)
        if user.availability != "available":
            raise InvariantError(f"nurse {nurse_id} ends the night {user.availability}")
    s.rollback()


def simulate(night: Night, policy: str, *, workdir: Path | None = None) -> NightResult:
    """Play one night under one policy and return what happened (raises InvariantError on a broken rule)."""
    return Simulation(night, policy, workdir=workdir).run()
