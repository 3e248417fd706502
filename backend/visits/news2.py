"""NEWS2 (Royal College of Physicians, 2017): the aggregate score and its clinical-risk band.

Chart 1 of the RCP report, transcribed row by row. Pure functions: no database, no Flask.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from backend.vocab import CONSCIOUSNESS  # ACVPU: Alert, new Confusion, Voice, Pain, Unresponsive


@dataclass(frozen=True)
class News2:
    """A NEWS2 result: the total, the band and the sub-score of every parameter."""

    score: int
    band: str
    parameters: dict[str, int]


def score_resp_rate(rate: int) -> int:
    """Score the respiration rate per minute."""
    if rate <= 8:
        return 3
    if rate <= 11:
        return 1
    if rate <= 20:
        return 0
    if rate <= 24:
        return 2
    return 3


def score_spo2(spo2: int, *, on_oxygen: bool, scale: int = 1) -> int:
    """Score SpO2 on scale 1, or on scale 2 (hypercapnic respiratory failure, prescribed target 88–92%)."""
    if scale == 1:
        if spo2 <= 91:
            return 3
        if spo2 <= 93:
            return 2
        if spo2 <= 95:
            return 1
        return 0
    if scale != 2:
        raise ValueError("SpO2 scale is 1 or 2")
    if spo2 <= 83:
        return 3
    if spo2 <= 85:
        return 2
    if spo2 <= 87:
        return 1
    if spo2 <= 92 or not on_oxygen:
        return 0  # 88–92, or ≥93 on air
    if spo2 <= 94:
        return 1
    if spo2 <= 96:
        return 2
    return 3


def score_air_or_oxygen(on_oxygen: bool) -> int:
    """Score supplemental oxygen: +2 on oxygen."""
    return 2 if on_oxygen else 0


def score_systolic_bp(systolic: int) -> int:
    """Score the systolic blood pressure in mmHg."""
    if systolic <= 90:
        return 3
    if systolic <= 100:
        return 2
    if systolic <= 110:
        return 1
    if systolic <= 219:
        return 0
    return 3


def score_pulse(rate: int) -> int:
    """Score the pulse per minute."""
    if rate <= 40:
        return 3
    if rate <= 50:
        return 1
    if rate <= 90:
        return 0
    if rate <= 110:
        return 1
    if rate <= 130:
        return 2
    return 3


def score_consciousness(level: str) -> int:
    """Score ACVPU: alert 0; new confusion, voice, pain or unresponsive 3."""
    if level not in CONSCIOUSNESS:
        raise ValueError(f"consciousness is one of {', '.join(CONSCIOUSNESS)}")
    return 0 if level == "A" else 3


def score_temperature(celsius: float) -> int:
    """Score the temperature in °C, read to one decimal as on the chart."""
    t = Decimal(str(celsius)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if t <= Decimal("35.0"):
        return 3
    if t <= Decimal("36.0"):
        return 1
    if t <= Decimal("38.0"):
        return 0
    if t <= Decimal("39.0"):
        return 1
    return 2


def band_for(total: int, parameters: dict[str, int]) -> str:
    """Return the clinical-risk band: high ≥7, medium 5–6, low_medium a single red 3 at ≤4, else low."""
    if total >= 7:
        return "high"
    if total >= 5:
        return "medium"
    if any(value == 3 for value in parameters.values()):
        return "low_medium"
    return "low"


def news2(
    *,
    resp_rate: int,
    spo2: int,
    on_oxygen: bool,
    systolic_bp: int,
    heart_rate: int,
    consciousness: str,
    temperature: float,
    spo2_scale: int = 1,
) -> News2:
    """Compute NEWS2 from one complete set of observations."""
    parameters = {
        "resp_rate": score_resp_rate(resp_rate),
        "spo2": score_spo2(spo2, on_oxygen=on_oxygen, scale=spo2_scale),
        "air_or_oxygen": score_air_or_oxygen(on_oxygen),
        "systolic_bp": score_systolic_bp(systolic_bp),
        "heart_rate": score_pulse(heart_rate),
        "consciousness": score_consciousness(consciousness),
        "temperature": score_temperature(temperature),
    }
    total = sum(parameters.values())
    return News2(score=total, band=band_for(total, parameters), parameters=parameters)
