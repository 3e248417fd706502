"""Rank nurses for a call: required skills, estimated travel time, current load and urgency.

Pure functions only (no database, no Flask): the service gathers the candidates and the
call's place, this module decides the order and explains it in words a coordinator reads.
"""
from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Protocol

from backend import config, vocab

# The one category → skills table. A category that is not listed needs no special skill.
CATEGORY_SKILLS: dict[str, frozenset[str]] = {
    "iv_therapy": frozenset({"iv_therapy"}),
    "pg_crisis": frozenset({"pg_crisis"}),
    "palliative": frozenset({"palliative"}),
    "catheter": frozenset({"catheter"}),
}

# How a required skill reads in a reason shown to the coordinator; any other skill reads as
# "heeft bevoegdheid <its label in vocab.SKILLS>".
SKILL_REASONS: dict[str, str] = {
    "iv_therapy": "heeft IV-bevoegdheid",
    "pg_crisis": "heeft PG-crisisbevoegdheid",
    "palliative": "heeft palliatieve-zorgbevoegdheid",
    "catheter": "heeft katheterisatiebevoegdheid",
}

EARTH_RADIUS_KM = 6371.0088

# Minutes a unit of load costs, per urgency: at U2 the nearest nurse matters most; for calls that can
# wait, spreading the work over the team matters more.
LOAD_MINUTES: dict[str, float] = {"U2": 4.0, "U3": 8.0, "U4": 15.0, "U5": 20.0}

# A nurse whose place is unknown still appears, but behind everyone whose place we know.
UNKNOWN_PLACE_MINUTES = 120.0
# A nurse who already said no (or did not answer) goes behind those who have not been asked.
DECLINED_MINUTES = 60.0
RECENT_HOURS = 8


def required_skills(category: str) -> frozenset[str]:
    """Return the skills a category needs (empty when none)."""
    return CATEGORY_SKILLS.get(category, frozenset())


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class Travel:
    """An estimated trip: road kilometres and minutes."""

    km: float
    minutes: float


class TravelEstimator(Protocol):
    """Anything that estimates a trip; a routing service can replace the default later."""

    def estimate(self, origin: tuple[float, float], destination: tuple[float, float]) -> Travel: ...


@dataclass(frozen=True)
class HaversineEstimator:
    """Straight-line distance times a road factor, driven at a fixed average speed."""

    road_factor: float = config.TRAVEL_ROAD_FACTOR
    speed_kmh: float = config.TRAVEL_SPEED_KMH
    start_minutes: float = 0.0

    def estimate(self, origin: tuple[float, float], destination: tuple[float, float]) -> Travel:
        km = haversine_km(*origin, *destination) * self.road_factor
        return Travel(km=km, minutes=self.start_minutes + km / self.speed_kmh * 60.0)


@dataclass(slots=True)
class Candidate:
    """A nurse as the ranking sees her."""

    nurse_id: int
    name: str
    skills: frozenset[str]
    lat: float | None = None
    lon: float | None = None
    place: str = "base"  # "last_visit" or "base": where lat/lon come from
    pending_offers: int = 0  # other calls offered to her right now
    recent_calls: int = 0  # calls she took in the last hours
    declined: bool = False  # she declined this call, or let its offer run out

    @property
    def load(self) -> int:
        # An open offer weighs double: she may take it any moment.
        return 2 * self.pending_offers + self.recent_calls


@dataclass(slots=True)
class Recommendation:
    """One ranked nurse with the figures and the reasons behind her place.

    A team of 200 is ranked on every recommendation and automatic offer, and a few of them are shown: the
    reasons are written when first asked for (`reasons`), from the nurse, the trip and the call's skills.
    """

    nurse_id: int
    name: str
    score: float
    distance_km: float | None
    eta_minutes: int | None
    cost_minutes: float = 0.0
    declined: bool = False  # she declined this call, or let its offer run out: the ladder skips her
    hold: str | None = None  # why the automatic offer waits for now (rank_ahead), None to offer at once
    nurse: Candidate | None = None  # whom the reasons are about
    no_trip: str | None = None  # the first reason when there is no trip (her place or the client's unknown)
    skill_reasons: tuple[str, ...] = ()  # the call's skills in words, one each
    _reasons: list[str] | None = None

    @property
    def reasons(self) -> list[str]:
        """Why she stands where she does, in the coordinator's words; more may be appended."""
        if self._reasons is None:
            self._reasons = _reasons(self)
        return self._reasons

    def as_dict(self) -> dict:
        """Return the fields the API shows (`declined` and the cost stay internal)."""
        return {
            "nurse_id": self.nurse_id,
            "name": self.name,
            "score": self.score,
            "distance_km": self.distance_km,
            "eta_minutes": self.eta_minutes,
            "reasons": list(self.reasons),
        }


def _reasons(item: Recommendation) -> list[str]:
    """The reasons of `rank`'s cost of a nurse: the trip, the call's skills, her load, a refusal."""
    nurse = item.nurse
    if item.no_trip is None:
        where = "vanaf laatste bezoek" if nurse.place == "last_visit" else "vanaf standplaats"
        # Dutch decimal comma
        reasons = [f"{item.distance_km:.1f}".replace(".", ",") + f" km, ~{item.eta_minutes} min ({where})"]
    else:
        reasons = [item.no_trip]
    reasons.extend(item.skill_reasons)
    if nurse.pending_offers:
        n = nurse.pending_offers
        reasons.append(f"{n} {'openstaand aanbod' if n == 1 else 'openstaande aanbiedingen'}")
    if nurse.recent_calls:
        n = nurse.recent_calls
        reasons.append(f"{n} {'melding' if n == 1 else 'meldingen'} in de afgelopen {RECENT_HOURS} uur")
    if not nurse.load:
        reasons.append("geen andere meldingen")
    if nurse.declined:
        reasons.append("weigerde deze melding eerder of reageerde niet")
    return reasons


def rank(
    candidates: list[Candidate],
    *,
    destination: tuple[float, float] | None,
    category: str,
    urgency: str,
    estimator: TravelEstimator | None = None,
) -> list[Recommendation]:
    """Rank the candidates who hold the category's skills, best first."""
    estimator = estimator or HaversineEstimator()
    needed = required_skills(category)
    load_minutes = LOAD_MINUTES.get(urgency, 10.0)
    skill_reasons = tuple(SKILL_REASONS.get(skill, f"heeft bevoegdheid {vocab.dutch(vocab.SKILLS, skill)}")
                          for skill in sorted(needed))
    ranked: list[Recommendation] = []
    for nurse in candidates:
        if not needed <= nurse.skills:
            continue
        if nurse.lat is not None and nurse.lon is not None and destination is not None:
            trip = estimator.estimate((nurse.lat, nurse.lon), destination)
            distance_km, eta, no_trip = round(trip.km, 1), max(1, math.ceil(trip.minutes)), None
            cost = trip.minutes
        else:
            distance_km, eta = None, None
            no_trip = "adres cliënt niet gevonden: geen reistijd" if destination is None else "geen bekende locatie"
            cost = UNKNOWN_PLACE_MINUTES
        if nurse.declined:
            cost += DECLINED_MINUTES
        cost += nurse.load * load_minutes
        score = round(100.0 * 30.0 / (30.0 + cost), 1)
        ranked.append(Recommendation(nurse.nurse_id, nurse.name, score, distance_km, eta, cost_minutes=cost,
                                     declined=nurse.declined, nurse=nurse, no_trip=no_trip,
                                     skill_reasons=skill_reasons))
    # Ties break on the nurse id so the order never depends on the database's row order.
    ranked.sort(key=lambda r: (r.cost_minutes, r.nurse_id))
    return ranked


# -- looking ahead: nurses free soon, scarce skills, the U2 reserve -----------------------------------------
# The rule above ranks who is free *now*, as a whiteboard would. The rule below (`rank_ahead`) is what
# dispatch uses: measured on simulated nights (bench/simulate.py, docs/dispatch.md) it gets more U2/U3
# calls on site within target. It stays explainable: every term is minutes, and every term says why.

# Minutes a visit takes on site, as the team reports it (20–60 min): the middle, for "free soon" estimates.
EXPECTED_VISIT_MINUTES = 40.0
# A nurse still on site is never counted free sooner than this: she writes up and packs.
MIN_REMAINING_MINUTES = 5.0
# Wait for a nurse who is free soon only if she is on site at least this much sooner than the best free
# nurse: the estimate of "free soon" is rough (visits take 20–60 min).
WAIT_MARGIN_MINUTES = 8.0
# Wait for a busy nurse only when she is free within this: further ahead the estimate means little.
WAIT_HORIZON_MINUTES = 25.0
# Scarce skills: sending the only nurse on duty with one of these to a call that does not need it costs
# this many minutes (the only free one: half), because a call needing it is likely within the hour.
SCARCE_SKILL_MINUTES = 15.0
SCARCE_SKILL_WORDS: dict[str, str] = {
    "iv_therapy": "IV-bevoegde", "palliative": "palliatief bevoegde", "catheter": "katheterbevoegde",
    "pg_crisis": "PG-crisisbevoegde",
}
# The U2 reserve of an area: a free nurse whose leaving puts the next free nurse further than this from
# where she is leaves her area without U2 cover; each minute beyond costs RESERVE_WEIGHT minutes.
COVER_MINUTES = 20.0
RESERVE_WEIGHT = 0.5
# A call that can wait keeps this many nurses free for U2 while it has more than RELEASE_SLACK minutes to
# spare (after the best nurse's trip); then it goes to the best nurse anyway. Two for U4/U5: on the busy
# nights (45 of 50 replayed) keeping two free put U2/U3 within target from 91.1 % to 92.2 % (U4 99.6 → 99.3 %).
# One for U3, and only while the rest of the team is busy and nobody is likely free within
# RESERVE_FREE_SOON_MINUTES: a nurse free that soon is the reserve. Holding U3 back whenever it took the last
# free nurse lost more U3 than it won U2; held only then, and at most until 90 of its 120 min are left, it
# put U2/U3 within target from 92.6 % to 93.7 % on the busy nights (seeds 1–50 and 51–100 alike).
RESERVE_NURSES: dict[str, int] = {"U3": 1, "U4": 2, "U5": 2}
RELEASE_SLACK_MINUTES: dict[str, float] = {"U3": 90.0, "U4": 120.0, "U5": 180.0}
RESERVE_FREE_SOON_MINUTES: dict[str, float] = {"U3": 20.0}
# Urgency weighs the lookahead costs: at U2 the fastest nurse goes, whatever she protects.
AHEAD_WEIGHT: dict[str, float] = {"U2": 0.2, "U3": 1.0, "U4": 1.0, "U5": 1.0}


@dataclass(slots=True)
class BusyNurse:
    """A nurse who holds a call now: where that call is and when she is likely free."""

    nurse_id: int
    name: str
    skills: frozenset[str]
    lat: float
    lon: float
    free_in_minutes: float


def free_in_minutes(*, status: str, minutes_since_accept: float, minutes_on_site: float | None,
                    trip_minutes: float) -> float:
    """Estimate when a nurse holding a call is free: the rest of her trip and an average visit."""
    if status == "on_site" and minutes_on_site is not None:
        return max(MIN_REMAINING_MINUTES, EXPECTED_VISIT_MINUTES - minutes_on_site)
    return max(0.0, trip_minutes - minutes_since_accept) + EXPECTED_VISIT_MINUTES


def _km(km: float) -> str:
    return f"{km:.1f}".replace(".", ",")


@dataclass(slots=True)
class Ahead:
    """The team around a call: who else is free, who is busy and when free, which skills are on duty."""

    available: list[Candidate]  # every free nurse of the team (also those without the call's skills)
    busy: list[BusyNurse]
    on_duty_skills: dict[str, int]  # skill → nurses on duty (free or busy) who hold it
    minutes_left: float | None = None  # until the call's target


def rank_ahead(
    candidates: list[Candidate],
    *,
    ahead: Ahead,
    destination: tuple[float, float] | None,
    category: str,
    urgency: str,
    estimator: TravelEstimator | None = None,
) -> list[Recommendation]:
    """Rank the free nurses who hold the category's skills, looking ahead; best first.

    Each nurse's cost is today's (trip, load, refusals) plus what sending her costs the rest of the night:
    a scarce skill taken away, an area left without U2 cover. When waiting is better — a nurse free soon gets
    there clearly sooner, or the call can wait while the team keeps a reserve for U2 — every item carries
    `hold`, the reason why, and the first item shows it: the automatic offer waits; a coordinator may not.
    """
    estimator = estimator or HaversineEstimator()
    ranked = rank(candidates, destination=destination, category=category, urgency=urgency, estimator=estimator)
    needed = required_skills(category)
    weight = AHEAD_WEIGHT.get(urgency, 1.0)
    free_skills = Counter(chain.from_iterable(nurse.skills for nurse in ahead.available))
    by_id = {c.nurse_id: c for c in candidates}
    cover_of = _Cover(ahead.available, estimator)
    scarce_of: dict[frozenset[str], list[str]] = {}  # a team has a handful of distinct skill sets
    for item in ranked:
        nurse = by_id[item.nurse_id]
        extra = 0.0
        scarce = scarce_of.get(nurse.skills)
        if scarce is None:
            scarce = scarce_of[nurse.skills] = sorted(nurse.skills & SCARCE_SKILL_WORDS.keys() - needed)
        for skill in scarce:
            if ahead.on_duty_skills.get(skill, 0) <= 1:
                extra += SCARCE_SKILL_MINUTES
                item.reasons.append(f"enige {SCARCE_SKILL_WORDS[skill]} in dienst")
            elif free_skills.get(skill, 0) <= 1:
                extra += SCARCE_SKILL_MINUTES / 2
                item.reasons.append(f"enige vrije {SCARCE_SKILL_WORDS[skill]}")
        if urgency != "U2" and nurse.lat is not None:
            cover = cover_of(nurse)
            if cover > COVER_MINUTES:
                extra += RESERVE_WEIGHT * (min(cover, 90.0) - COVER_MINUTES)
                item.reasons.append("laatste vrije in de buurt" + (
                    f" (volgende op ~{math.ceil(cover)} min)" if cover < math.inf else ""))
        item.cost_minutes += weight * extra
        item.score = round(100.0 * 30.0 / (30.0 + item.cost_minutes), 1)
    ranked.sort(key=lambda r: (r.declined, r.cost_minutes, r.nurse_id))
    hold = _hold(ranked, ahead=ahead, destination=destination, needed=needed, urgency=urgency,
                 estimator=estimator)
    if hold and ranked:
        ranked[0].reasons.append(hold)
        for item in ranked:
            item.hold = hold
    return ranked


class _Cover:
    """Minutes from a free nurse to the next free nurse: who covers her area when she goes.

    Only "more than COVER_MINUTES, and how much" matters. With the straight-line estimator the free nurses are
    sorted by latitude once (with their latitude's cosine) and each lookup walks the band of latitude one can
    drive in COVER_MINUTES, comparing the haversine's inner term `a` (which grows with the distance) with the
    one COVER_MINUTES gives: no square root or arcsine per pair, and a whole trip only for the nurse that
    decides — a team of 200 costs a few sums per nurse instead of 200 trips. A trip is as long either way, so
    the free nurse found near enough to a free nurse is covered too, without a lookup of her own. The figures are the estimator's,
    to the last bit: `a` is computed as `haversine_km` computes it.
    """

    def __init__(self, available: list[Candidate], estimator: TravelEstimator):
        self.estimator = estimator
        self.places = sorted((o.lat, o.lon, o.nurse_id) for o in available if o.lat is not None)
        self.straight = isinstance(estimator, HaversineEstimator)
        if self.straight:
            km = max(0.0, COVER_MINUTES - estimator.start_minutes) * estimator.speed_kmh / 60.0
            angle = km / estimator.road_factor / EARTH_RADIUS_KM  # the central angle one can drive
            self.lat_window = math.degrees(angle)
            self.a_near = math.sin(min(angle, math.pi) / 2) ** 2
            self.lats = [lat for lat, _, _ in self.places]
            # What haversine_km computes of each place as an origin: its latitude in radians and that one's cosine.
            self.origins = [(lon, nurse_id, math.radians(lat), math.cos(math.radians(lat)))
                            for lat, lon, nurse_id in self.places]
            self.free_ids = {nurse_id for _, _, nurse_id in self.places}
            self.covered: set[int] = set()  # free nurses known to have somebody near enough

    def __call__(self, nurse: Candidate) -> float:
        if not self.straight:
            here = (nurse.lat, nurse.lon)
            return min((self.estimator.estimate((lat, lon), here).minutes
                        for lat, lon, nurse_id in self.places if nurse_id != nurse.nurse_id), default=math.inf)
        if nurse.nurse_id in self.covered:
            return COVER_MINUTES
        phi = math.radians(nurse.lat)
        cos_phi = math.cos(phi)

        def terms(indices):  # haversine_km's `a` from each other free nurse (the origin) to her
            for i in indices:
                lon, nurse_id, phi0, cos0 = self.origins[i]
                if nurse_id != nurse.nurse_id:
                    yield i, (math.sin((phi - phi0) / 2) ** 2
                              + cos0 * cos_phi * math.sin(math.radians(nurse.lon - lon) / 2) ** 2)

        low = bisect.bisect_left(self.lats, nurse.lat - self.lat_window)
        high = bisect.bisect_right(self.lats, nurse.lat + self.lat_window)
        for i, a in terms(range(low, high)):
            if a <= self.a_near and self._minutes(a) <= COVER_MINUTES:
                if nurse.nurse_id in self.free_ids:  # she is free herself: she covers the other one's area
                    self.covered.add(self.origins[i][1])  # (a trip is as long the other way)
                return COVER_MINUTES  # somebody near enough: no need to know exactly who
        nearest = min((a for _, a in terms(range(len(self.origins)))), default=None)
        return math.inf if nearest is None else self._minutes(nearest)

    def _minutes(self, a: float) -> float:
        """The estimator's minutes for a trip whose haversine term is `a`."""
        km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a))) * self.estimator.road_factor
        return self.estimator.start_minutes + km / self.estimator.speed_kmh * 60.0


def _hold(ranked: list[Recommendation], *, ahead: Ahead, destination, needed: frozenset[str], urgency: str,
          estimator: TravelEstimator) -> str | None:
    """Say why the automatic offer should wait, or None to offer to the first nurse now."""
    willing = [r for r in ranked if not r.declined]
    best_eta = min((r.eta_minutes for r in willing if r.eta_minutes is not None), default=None)
    if best_eta is None or destination is None:
        return None
    soon = []
    for nurse in ahead.busy:
        if not needed <= nurse.skills or nurse.free_in_minutes > WAIT_HORIZON_MINUTES or nurse.lat is None:
            continue
        trip = estimator.estimate((nurse.lat, nurse.lon), destination)
        soon.append((nurse.free_in_minutes + trip.minutes, nurse, trip))
    if soon:
        eta, nurse, trip = min(soon, key=lambda s: (s[0], s[1].nurse_id))
        if eta + WAIT_MARGIN_MINUTES < best_eta:
            return (f"wacht op {nurse.name}: over ~{math.ceil(nurse.free_in_minutes)} min vrij, "
                    f"{_km(trip.km)} km (ter plaatse ~{math.ceil(eta)} min)")
    keep = RESERVE_NURSES.get(urgency)
    if keep is None or ahead.minutes_left is None:
        return None
    slack = ahead.minutes_left - best_eta
    soon_minutes = RESERVE_FREE_SOON_MINUTES.get(urgency)
    if soon_minutes is None:
        spare, after = len(ahead.available) - 1, ""
    elif not ahead.busy:
        return None  # nobody else on duty is busy: there is no rest of the team to keep her for
    else:
        # A nurse likely free within soon_minutes counts as the reserve: then this call need not wait.
        spare = len(ahead.available) - 1 + sum(1 for b in ahead.busy if b.free_in_minutes <= soon_minutes)
        after = f"; niemand anders binnen ~{math.ceil(soon_minutes)} min vrij"
    if slack > RELEASE_SLACK_MINUTES[urgency] and spare < keep:
        return (f"{urgency} kan wachten (nog ~{math.ceil(slack)} min speling): "
                f"{keep} vrije verpleegkundige{'n' if keep > 1 else ''} achter de hand voor U2{after}")
    return None
