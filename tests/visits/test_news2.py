"""NEWS2 against RCP 2017 Chart 1 (every band edge of every row) and whole reference cases."""
import pytest

from backend.visits import news2 as n


@pytest.mark.parametrize("rate,expected", [(5, 3), (8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3), (40, 3)])
def test_resp_rate_chart_row(rate, expected):
    assert n.score_resp_rate(rate) == expected


@pytest.mark.parametrize("spo2,expected", [(85, 3), (91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0), (100, 0)])
def test_spo2_scale_1_chart_row(spo2, expected):
    assert n.score_spo2(spo2, on_oxygen=False) == expected
    assert n.score_spo2(spo2, on_oxygen=True) == expected  # scale 1 ignores oxygen; +2 comes separately


@pytest.mark.parametrize("spo2,on_oxygen,expected", [
    (83, False, 3), (84, True, 2), (85, False, 2), (86, False, 1), (87, True, 1), (88, False, 0), (92, True, 0),
    (93, False, 0), (99, False, 0), (93, True, 1), (94, True, 1), (95, True, 2), (96, True, 2), (97, True, 3),
])
def test_spo2_scale_2_chart_row(spo2, on_oxygen, expected):
    assert n.score_spo2(spo2, on_oxygen=on_oxygen, scale=2) == expected


@pytest.mark.parametrize("bp,expected", [(70, 3), (90, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3)])
def test_systolic_chart_row(bp, expected):
    assert n.score_systolic_bp(bp) == expected


@pytest.mark.parametrize("hr,expected", [(35, 3), (40, 3), (41, 1), (50, 1), (51, 0), (90, 0), (91, 1), (110, 1), (111, 2), (130, 2), (131, 3)])
def test_pulse_chart_row(hr, expected):
    assert n.score_pulse(hr) == expected


@pytest.mark.parametrize("t,expected", [(34.0, 3), (35.0, 3), (35.1, 1), (36.0, 1), (36.1, 0), (38.0, 0), (38.1, 1), (39.0, 1), (39.1, 2), (41.0, 2)])
def test_temperature_chart_row(t, expected):
    assert n.score_temperature(t) == expected


def test_consciousness_alert_0_new_confusion_and_cvpu_3():
    assert n.score_consciousness("A") == 0
    assert [n.score_consciousness(c) for c in "CVPU"] == [3, 3, 3, 3]
    with pytest.raises(ValueError):
        n.score_consciousness("X")


def test_oxygen_adds_two():
    assert n.score_air_or_oxygen(True) == 2
    assert n.score_air_or_oxygen(False) == 0


NORMAL = dict(resp_rate=16, spo2=97, on_oxygen=False, systolic_bp=130, heart_rate=72, consciousness="A", temperature=37.0)


@pytest.mark.parametrize("changes,score,band", [
    ({}, 0, "low"),
    # 1-4 without a red score: low
    ({"heart_rate": 95, "temperature": 38.4}, 2, "low"),
    ({"resp_rate": 22, "spo2": 95, "heart_rate": 100}, 4, "low"),
    # a single red (3) score with a total of 3-4: low_medium, however small the rest
    ({"consciousness": "C"}, 3, "low_medium"),
    ({"resp_rate": 26, "heart_rate": 95}, 4, "low_medium"),
    ({"systolic_bp": 88}, 3, "low_medium"),
    # oxygen (+2) with SpO2 94 on scale 1 (+1) and a slight fever (+1): 4, no red score
    ({"on_oxygen": True, "spo2": 94, "temperature": 38.5}, 4, "low"),
    # 5-6 medium, also when one parameter is red
    ({"resp_rate": 22, "spo2": 93, "heart_rate": 95}, 5, "medium"),
    ({"consciousness": "V", "resp_rate": 22, "heart_rate": 100}, 6, "medium"),
    # >=7 high: septic picture 2+1+2+1+1+0+1 = 8 (the classic worked example)
    ({"resp_rate": 22, "spo2": 95, "on_oxygen": True, "systolic_bp": 105, "heart_rate": 105, "temperature": 38.5}, 8, "high"),
    # 3+3+2+2+1+3+0 = 14
    ({"resp_rate": 26, "spo2": 90, "on_oxygen": True, "systolic_bp": 95, "heart_rate": 105, "consciousness": "P"}, 14, "high"),
    ({"resp_rate": 7, "spo2": 85, "on_oxygen": True, "systolic_bp": 80, "heart_rate": 140, "consciousness": "U", "temperature": 34.5}, 20, "high"),
])
def test_reference_cases(changes, score, band):
    result = n.news2(**{**NORMAL, **changes})
    assert (result.score, result.band) == (score, band)
    assert result.score == sum(result.parameters.values())


def test_scale_2_for_hypercapnic_client_on_oxygen():
    # COPD client on oxygen, SpO2 90 (in target 88-92): 0 on scale 2, 3 on scale 1; oxygen +2 either way.
    copd = {**NORMAL, "spo2": 90, "on_oxygen": True}
    assert n.news2(**copd, spo2_scale=2).score == 2
    assert n.news2(**copd).score == 5
