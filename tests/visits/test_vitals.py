"""Plausible-range validation of vital signs."""
import pytest

from backend.visits.vitals import implausible

GOOD = dict(resp_rate=16, spo2=97, on_oxygen=False, systolic_bp=130, heart_rate=72, consciousness="A",
            temperature=37.0, glucose=6.1, pain=3)


def test_good_values_pass():
    assert implausible(GOOD) == {}
    assert implausible({k: v for k, v in GOOD.items() if k not in ("glucose", "pain")}) == {}


@pytest.mark.parametrize("field,value", [
    ("resp_rate", 2), ("resp_rate", 71), ("spo2", 9), ("spo2", 101), ("systolic_bp", 1300), ("systolic_bp", 30),
    ("heart_rate", 1200), ("heart_rate", 10), ("temperature", 375), ("temperature", 24.9), ("glucose", 0.1),
    ("glucose", 61), ("pain", 11), ("pain", -1),
])
def test_implausible_values_are_named(field, value):
    errors = implausible({**GOOD, field: value})
    assert list(errors) == [field]
    assert "Onwaarschijnlijke waarde" in errors[field][0]


@pytest.mark.parametrize("field", ["resp_rate", "spo2", "on_oxygen", "systolic_bp", "heart_rate", "consciousness", "temperature"])
def test_news2_parameters_are_required(field):
    assert field in implausible({k: v for k, v in GOOD.items() if k != field})


def test_bad_consciousness_and_types():
    assert "consciousness" in implausible({**GOOD, "consciousness": "Z"})
    assert "heart_rate" in implausible({**GOOD, "heart_rate": "snel"})
    assert "spo2" in implausible({**GOOD, "spo2": True})
