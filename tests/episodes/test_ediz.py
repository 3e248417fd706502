"""EDIZ: the published scoring (each item dichotomised, summed 0–9; high from 7) and the visit's short form."""
import pytest

from backend.episodes import ediz
from tests.episodes.helpers import as_user, carer, visit_on_site
from tests.factories import make_client, make_user

# Hand-made cases. Answers 0 Nee!, 1 Nee, 2 Min of meer, 3 Ja, 4 Ja!: "Min of meer", "Ja" and "Ja!" score a
# point, "Nee!" and "Nee" none (Pot, Van Dyck & Deeg 1995).
CASES = [
    ([0] * 9, 0, False),                              # nowhere a burden
    ([1] * 9, 0, False),                              # "Nee" everywhere is still no point
    ([2] * 9, 9, True),                               # "Min of meer" counts
    ([4] * 9, 9, True),
    ([0, 1, 2, 3, 4, 0, 1, 2, 3], 5, False),          # mixed: 2, 3, 4, 2, 3 score
    ([2, 2, 2, 2, 2, 2, 1, 1, 0], 6, False),          # one below the cut-off
    ([2, 2, 2, 2, 2, 2, 2, 1, 0], 7, True),           # at the cut-off: high
    ([4, 4, 4, 4, 4, 4, 4, 4, 1], 8, True),
]


@pytest.mark.parametrize("answers,score,high", CASES)
def test_scoring_against_the_published_rule(answers, score, high):
    result = ediz.score(answers)
    assert (result.score, result.high) == (score, high)


@pytest.mark.parametrize("answers", [[0] * 8, [0] * 10, [5] + [0] * 8, [-1] + [0] * 8])
def test_scoring_refuses_malformed_answers(answers):
    with pytest.raises(ValueError):
        ediz.score(answers)


def test_the_visit_records_the_mantelzorgers_ediz(app, client, session):
    client_row = make_client(session)
    els = carer(session, client_row)
    api, call, visit = visit_on_site(client, session, client=client_row)
    response = api.post(f"/api/visits/{visit['id']}/ediz",
                        json={"contact_id": els.id, "answers": [2, 2, 3, 1, 0, 4, 1, 3, 2]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["score"], body["high"], body["previous_score"], body["signal"]) == (6, False, None, None)
    assert body["client_id"] == client_row.id and body["contact_id"] == els.id
    response = api.post(f"/api/visits/{visit['id']}/ediz", json={"contact_id": els.id, "answers": [4] * 8 + [1]})
    body = response.get_json()
    assert (body["score"], body["high"], body["previous_score"]) == (8, True, 6)
    assert "Els de Vries" in body["signal"] and "EDIZ 8/9" in body["signal"]


@pytest.mark.parametrize("body,field", [
    ({"answers": [0] * 9}, "contact_id"),
    ({"contact_id": "00000000-0000-0000-0000-000000000000", "answers": [0] * 8}, "answers"),
    ({"contact_id": "00000000-0000-0000-0000-000000000000", "answers": [0] * 8 + [5]}, "answers"),
    ({"contact_id": "00000000-0000-0000-0000-000000000000", "answers": [0] * 8 + ["1"]}, "answers"),
])
def test_bad_ediz_input_is_a_422(app, client, session, body, field):
    api, call, visit = visit_on_site(client, session)
    response = api.post(f"/api/visits/{visit['id']}/ediz", json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]["json"]


def test_only_the_visits_nurse_and_a_contact_of_the_client(app, client, session):
    client_row = make_client(session)
    els = carer(session, client_row)
    stranger = carer(session, make_client(session), name="Iemand anders")
    api, call, visit = visit_on_site(client, session, client=client_row)
    answers = {"contact_id": els.id, "answers": [0] * 9}
    response = api.post(f"/api/visits/{visit['id']}/ediz", json={**answers, "contact_id": stranger.id})
    assert response.status_code == 422 and "contact_id" in response.get_json()["errors"]
    colleague = as_user(app, make_user(session, role="nurse", name="Collega"))
    assert colleague.post(f"/api/visits/{visit['id']}/ediz", json=answers).status_code == 403
    other_team = as_user(app, make_user(session, role="nurse", team="fact"))
    assert other_team.post(f"/api/visits/{visit['id']}/ediz", json=answers).status_code == 403
    coordinator = as_user(app, make_user(session, role="coordinator"))
    assert coordinator.post(f"/api/visits/{visit['id']}/ediz", json=answers).status_code == 403
