"""Rank nurses for a call: required skills, estimated travel time, current load and urgency.

Pure functions only (no database, no Flask): the service gathers the candidates and the
call's place, this module decides the order and explains it in words a coordinator reads.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
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
    """One ranked nurse with the figures and the reasons behind her place."""

    nurse_id: int
    name: str
    score: float
    distance_km: float | None
    eta_minutes: int | None
    reasons: list[str] = field(default_factory=list)
    cost_minutes: float = 0.0
    declined: bool = False  # she declined this call, or let its offer run out: the ladder skips her

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
    ranked: list[Recommendation] = []
    for nurse in candidates:
        if not needed <= nurse.skills:
            continue
        reasons: list[str] = []
        if nurse.lat is not None and nurse.lon is not None and destination is not None:
            trip = estimator.estimate((nurse.lat, nurse.lon), destination)
            distance_km = round(trip.km, 1)
            eta = max(1, math.ceil(trip.minutes))
            where = "vanaf laatste bezoek" if nurse.place == "last_visit" else "vanaf standplaats"
            reasons.append(f"{distance_km:.1f}".replace(".", ",") + f" km, ~{eta} min ({where})")  # Dutch decimal comma
            cost = trip.minutes
        else:
            distance_km, eta = None, None
            reasons.append("adres cliënt niet gevonden: geen reistijd" if destination is None
                           else "geen bekende locatie")
            cost = UNKNOWN_PLACE_MINUTES
        reasons.extend(SKILL_REASONS.get(skill, f"heeft bevoegdheid {vocab.dutch(vocab.SKILLS, skill)}")
                       for skill in sorted(needed))
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
            cost += DECLINED_MINUTES
        cost += nurse.load * load_minutes
        score = round(100.0 * 30.0 / (30.0 + cost), 1)
        ranked.append(Recommendation(nurse.nurse_id, nurse.name, score, distance_km, eta, reasons, cost,
                                     declined=nurse.declined))
    # Ties break on the nurse id so the order never depends on the database's row order.
    ranked.sort(key=lambda r: (r.cost_minutes, r.nurse_id))
    return ranked
