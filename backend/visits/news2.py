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


# Chart 1, one row per parameter: (the highest value of a band, its score) from low to high, and the score
# above the last band.
RESP_RATE = ((8, 3), (11, 1), (20, 0), (24, 2)), 3
SPO2_SCALE_1 = ((91, 3), (93, 2), (95, 1)), 0
SPO2_SCALE_2_ON_AIR = ((83, 3), (85, 2), (87, 1)), 0  # ≥ 88 on air scores 0
SPO2_SCALE_2_ON_OXYGEN = ((83, 3), (85, 2), (87, 1), (92, 0), (94, 1), (96, 2)), 3
SYSTOLIC_BP = ((90, 3), (100, 2), (110, 1), (219, 0)), 3
PULSE = ((40, 3), (50, 1), (90, 0), (110, 1), (130, 2)), 3
TEMPERATURE = ((Decimal("35.0"), 3), (Decimal("36.0"), 1), (Decimal("38.0"), 0), (Decimal("39.0"), 1)), 2


def _chart(value, row) -> int:
    """Score `value` on a row of the chart."""
    bands, above = row
    return next((score for upto, score in bands if value <= upto), above)


def score_resp_rate(rate: int) -> int:
    """Score the respiration rate per minute."""
    return _chart(rate, RESP_RATE)


def score_spo2(spo2: int, *, on_oxygen: bool, scale: int = 1) -> int:
    """Score SpO2 on scale 1, or on scale 2 (hypercapnic respiratory failure, prescribed target 88–92%)."""
    if scale == 1:
        return _chart(spo2, SPO2_SCALE_1)
    if scale != 2:
        raise ValueError("SpO2 scale is 1 or 2")
    return _chart(spo2, SPO2_SCALE_2_ON_OXYGEN if on_oxygen else SPO2_SCALE_2_ON_AIR)


def score_air_or_oxygen(on_oxygen: bool) -> int:
    """Score supplemental oxygen: +2 on oxygen."""
    return 2 if on_oxygen else 0


def score_systolic_bp(systolic: int) -> int:
    """Score the systolic blood pressure in mmHg."""
    return _chart(systolic, SYSTOLIC_BP)


def score_pulse(rate: int) -> int:
    """Score the pulse per minute."""
    return _chart(rate, PULSE)


def score_consciousness(level: str) -> int:
    """Score ACVPU: alert 0; new confusion, voice, pain or unresponsive 3."""
    if level not in CONSCIOUSNESS:
        raise ValueError(f"consciousness is one of {', '.join(CONSCIOUSNESS)}")
    return 0 if level == "A" else 3


def score_temperature(celsius: float) -> int:
    """Score the temperature in °C, read to one decimal as on the chart."""
    return _chart(Decimal(str(celsius)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), TEMPERATURE)


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
