"""The outcomes endpoints: who may read them, their answers, and the pseudonymised, audited export."""
import csv
import io

import pytest
from sqlmodel import select

from backend.audit.models import AuditEvent
from tests.factories import assert_error, login, make_user
from tests.outcomes.history import FROM, TO, make_fortnight

PERIOD = f"from={FROM}&to={TO}"
PATHS = ("/api/kpis", "/api/kpis/weekly", "/api/kpis/export.csv")


@pytest.fixture
def lead(session):
    return make_user(session, role="team_lead", team="acute")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("role", ["nurse", "hap", "admin", "bed_manager", "coordinator"])
def test_other_roles_get_403(client, session, role, path):
    user = make_user(session, role=role, team=None if role in ("admin", "hap", "bed_manager") else "acute")
    login(client, user.username)
    assert_error(client.get(f"{path}?{PERIOD}"), 403)


@pytest.mark.parametrize("path", PATHS)
def test_a_team_lead_gets_403_for_another_team(client, session, lead, path):
    login(client, lead.username)
    assert_error(client.get(f"{path}?{PERIOD}&team=fact"), 403)
    assert client.get(f"{path}?{PERIOD}&team=acute").status_code == 200


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_gets_401(client, path):
    assert_error(client.get(f"{path}?{PERIOD}"), 401)


def test_team_lead_reads_her_figures(client, session, lead):
    make_fortnight(session)
    login(client, lead.username)
    body = client.get(f"/api/kpis?{PERIOD}").get_json()
    assert body["team"] == "acute" and body["from"] == "2026-11-08T23:00:00+00:00"
    assert body["calls"] == {"total": 10, "by_urgency": {"U2": 2, "U3": 3, "U4": 3, "U5": 2}}
    assert body["response"]["within_target_pct"] == 71.4 and body["response"]["p90_minutes"] == 540.0
    assert body["home_pct"] == 57.1 and body["handovers"]["acknowledged_pct"] == 60.0
    assert body["offers"] == {"offered": 5, "first_offer_accepted": 3, "first_offer_accepted_pct": 60.0,
                              "escalations": 2}
    assert (body["recalls_72h"], body["recalls_30d"], body["cancelled"]) == (1, 2, 1)
    weeks = client.get(f"/api/kpis/weekly?{PERIOD}").get_json()
    assert [(w["week"], w["calls"]["total"]) for w in weeks] == [("2026-W46", 1), ("2026-W47", 9)]


def test_regional_coordinator_reads_any_team_and_the_region(client, session):
    make_fortnight(session)
    user = make_user(session, role="regional_coordinator", team=None)
    login(client, user.username)
    assert client.get(f"/api/kpis?{PERIOD}&team=fact").get_json()["calls"]["total"] == 1
    region = client.get(f"/api/kpis?{PERIOD}").get_json()
    assert region["team"] is None and region["calls"]["total"] == 11


def test_default_period_is_the_last_28_days(client, session, lead):
    login(client, lead.username)
    body = client.get("/api/kpis").get_json()
    assert body["to"] == "2026-11-25T23:00:00+00:00" and body["from"] == "2026-10-28T23:00:00+00:00"


@pytest.mark.parametrize("query", [
    "from=2026-11-23&to=2026-11-09", "from=2020-01-01&to=2026-01-01", "from=gisteren",
    "from=2026-11-09T10:00:00", "team=ACUTE!",
])
def test_bad_periods_are_422(client, session, lead, query):
    login(client, lead.username)
    for path in PATHS:
        assert_error(client.get(f"{path}?{query}"), 422)


def _export(client):
    response = client.get(f"/api/kpis/export.csv?{PERIOD}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_export_is_pseudonymised_and_audited(client, session, lead):
    w = make_fortnight(session)
    login(client, lead.username)
    rows = _export(client)
    assert len(rows) == 10
    clients = [w.client_a, w.client_b] + [session.get(type(w.client_a), c.client_id)
                                          for c in (w.c1, w.c2, w.c3, w.c4, w.c9, w.c12)]
    forbidden = set()
    for c in clients:
        forbidden |= {c.name, c.bsn, c.address, c.postcode, c.postcode.replace(" ", ""), c.phone, c.address.split()[0]}
        forbidden |= {c.birth_date.isoformat()}
    forbidden |= {w.c1.caller_name, w.c1.caller_phone, "Brink", "Kerkstraat"}
    forbidden.discard(None)
    for row in rows:
        for column, cell in row.items():
            for secret in forbidden:
                if column != "client_key":
                    assert secret.lower() not in cell.lower(), (column, cell, secret)
            if column == "postcode4":
                assert cell.isdigit() and len(cell) == 4
    # re-calls are countable within one export: client A's two calls share a key
    keys_a = {r["client_key"] for r in rows if r["outcome"] in ("follow_up_visit", "own_gp")}
    assert len(keys_a) == 1
    c5 = next(r for r in rows if r["outcome"] == "follow_up_visit")
    assert (c5["recall_72h"], c5["recall_30d"], c5["within_target"], c5["response_minutes"]) == ("1", "1", "1", "60.0")
    late = next(r for r in rows if r["outcome"] == "seh")
    assert (late["within_target"], late["response_minutes"], late["handovers_acknowledged"]) == ("0", "31.0", "0")
    # a second export gives other keys for the same clients
    again = _export(client)
    assert {r["client_key"] for r in rows}.isdisjoint({r["client_key"] for r in again})
    session.commit()
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "kpis.export")).all()
    assert len(events) == 2
    assert events[0].user_id == lead.id and events[0].role == "team_lead"
    assert events[0].detail == {"from": "2026-11-08T23:00:00+00:00", "to": "2026-11-22T23:00:00+00:00",
                                "team": "acute", "rows": 10}
