"""Nights to simulate: the distributions (with where they come from) and a seeded night generator.

Every number an outcome depends on is at the top of this file. Where a figure is an assumption rather than a
published one, it says so: calibrate it against the team's own export (calls per night, urgency mix, visit
times) before reading the report as a forecast. The report compares policies on the *same* nights, so the
comparison holds even where the absolute level is off.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

# -- the night -------------------------------------------------------------------------------------------
# ANW evening and night: the HAP hands visits to the acute team from 17:00 to 08:00 (BRIEF: "ANW evenings,
# nights, weekends"). Start: 17:00 Amsterdam (winter: 16:00 UTC).
NIGHT_START_UTC = (16, 0)
NIGHT_HOURS = 15

# Relative call rate per hour from 17:00: the evening peak of a HAP, then a quiet night and a small morning
# rise. Shape after the hourly contact profile of Dutch HAPs (NIVEL, "Zorg op de huisartsenpost", contacts
# per hour of the ANW: peak 17–22 h, trough 02–06 h); the scale is set by the scenario's calls per night.
HOURLY_WEIGHTS = [1.6, 1.8, 1.7, 1.5, 1.3, 1.0, 0.8, 0.6, 0.45, 0.35, 0.3, 0.3, 0.35, 0.5, 0.7]

# NTS urgency of the calls the acute team gets (U0/U1 go to 112 and never reach it). Assumption: the share
# of U2–U5 among HAP home visits passed on to a nursing team, rounded from the NTS triage mix of HAP
# visits (U2 roughly one in five, U3 the largest group, U5 rare at night).
URGENCY_MIX = {"U2": 0.20, "U3": 0.42, "U4": 0.28, "U5": 0.10}

# Care categories (BRIEF "Care categories seen in the sources"); weights are an assumption in the order the
# sources name them most (catheter and fall first; IV and PG crisis rare). pg_crisis is FACT-VVT's, so it is
# left out of an acute team's night.
CATEGORY_MIX = {
    "fall_assessment": 0.17, "catheter": 0.14, "palliative": 0.10, "unclear_assessment": 0.10,
    "pain_management": 0.08, "wound_care": 0.08, "vital_signs_check": 0.07, "medication": 0.06,
    "diabetes": 0.05, "iv_therapy": 0.05, "alarm_followup": 0.05, "post_seh_visit": 0.03, "nosebleed": 0.02,
}

# Minutes on site: "20–60 min visits" (issue 16, from the team's practice); triangular with the mode at 35.
VISIT_MINUTES = (20, 35, 60)  # low, mode, high

# The demo region: the acute team of Deventer covers Deventer, Olst-Wijhe and Voorst (municipalities around
# the demo clients in backend/clients/demo.py). Areas: centre (lat, lon), radius km, share of the calls
# (roughly the share of over-75s living there; assumption).
AREAS = {
    "Deventer centrum": ((52.2540, 6.1630), 1.6, 0.30),
    "Deventer oost": ((52.2500, 6.2150), 1.6, 0.16),
    "Deventer noord": ((52.2750, 6.1850), 1.4, 0.10),
    "Diepenveen": ((52.2930, 6.1450), 1.0, 0.06),
    "Olst": ((52.3370, 6.1100), 1.0, 0.08),
    "Wijhe": ((52.3870, 6.1330), 1.0, 0.07),
    "Bathmen": ((52.2500, 6.2880), 0.8, 0.06),
    "Twello": ((52.2380, 6.1030), 1.2, 0.09),
    "Wilp": ((52.2200, 6.1500), 0.8, 0.04),
    "Terwolde": ((52.2830, 6.0950), 0.8, 0.04),
}


@dataclass(frozen=True)
class NurseSpec:
    """A nurse of the night: where her shift starts, what she may do, when she works."""

    key: str
    name: str
    base: tuple[float, float]
    skills: tuple[str, ...]
    shift: tuple[int, int] = (0, NIGHT_HOURS * 60)  # minutes from the night's start


# The team of the demo (backend/identity/demo.py: one IV-qualified nurse among them, palliative and catheter
# spread), with bases over the region as a night roster would place them.
TEAMS = {
    # A busy night: three nurses for the whole region (one called in sick), and a winter night's calls.
    "busy": [
        NurseSpec("anna", "Anna de Vries", (52.2550, 6.1630), ("hbo", "iv_therapy", "palliative", "catheter")),
        NurseSpec("bram", "Bram Kok", (52.2500, 6.2150), ("level4", "catheter", "wound_care")),
        NurseSpec("chantal", "Chantal Bakker", (52.3370, 6.1100), ("vs", "hbo", "catheter", "palliative")),
    ],
    # An ordinary night: five nurses.
    "normal": [
        NurseSpec("anna", "Anna de Vries", (52.2550, 6.1630), ("hbo", "iv_therapy", "palliative", "catheter")),
        NurseSpec("bram", "Bram Kok", (52.2500, 6.2150), ("level4", "catheter", "wound_care")),
        NurseSpec("chantal", "Chantal Bakker", (52.3370, 6.1100), ("vs", "hbo", "catheter", "palliative")),
        NurseSpec("daan", "Daan Mulder", (52.2750, 6.1850), ("level4", "palliative", "wound_care")),
        NurseSpec("eva", "Eva Smit", (52.2380, 6.1030), ("hbo", "catheter", "feeding_tube", "palliative")),
    ],
}

# Calls per night (mean of a Poisson count). Assumption: an acute team for ~100,000 inhabitants gets one to
# four dozen calls a night; "busy" is a winter night with flu about, the nurses ~80 % occupied.
CALLS_PER_NIGHT = {"busy": 38, "normal": 30}


@dataclass(frozen=True)
class CallSpec:
    """A call as it will arrive: minute of the night, place, urgency, category, minutes on site."""

    key: int
    minute: int
    lat: float
    lon: float
    area: str
    urgency: str
    category: str
    visit_minutes: int


@dataclass
class Night:
    """One night to simulate: who works, which calls come."""

    scenario: str
    seed: int
    start: datetime
    nurses: list[NurseSpec]
    calls: list[CallSpec] = field(default_factory=list)


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _point_in(rng: random.Random, centre: tuple[float, float], radius_km: float) -> tuple[float, float]:
    r = radius_km * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    dlat = r * math.cos(angle) / 111.2
    dlon = r * math.sin(angle) / (111.2 * math.cos(math.radians(centre[0])))
    return round(centre[0] + dlat, 5), round(centre[1] + dlon, 5)


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth; fine for means of a few dozen.
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def make_night(scenario: str, seed: int, *, calls: int | None = None) -> Night:
    """Return the night `seed` of a scenario: the same seed gives the same night."""
    rng = random.Random(f"{scenario}:{seed}")
    start = datetime(2026, 1, 5, *NIGHT_START_UTC, tzinfo=timezone.utc) + timedelta(days=seed)
    count = calls if calls is not None else _poisson(rng, CALLS_PER_NIGHT[scenario])
    minutes = sorted(
        int(60 * (rng.choices(range(NIGHT_HOURS), weights=HOURLY_WEIGHTS)[0] + rng.random())) for _ in range(count)
    )
    night = Night(scenario=scenario, seed=seed, start=start, nurses=list(TEAMS[scenario]))
    for key, minute in enumerate(minutes):
        area = _pick(rng, {name: weight for name, (_, _, weight) in AREAS.items()})
        centre, radius, _ = AREAS[area]
        lat, lon = _point_in(rng, centre, radius)
        low, mode, high = VISIT_MINUTES
        night.calls.append(CallSpec(
            key=key, minute=minute, lat=lat, lon=lon, area=area, urgency=_pick(rng, URGENCY_MIX),
            category=_pick(rng, CATEGORY_MIX), visit_minutes=int(round(rng.triangular(low, high, mode))),
        ))
    return night
