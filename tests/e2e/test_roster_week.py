"""The team lead's week grid: a proposal is generated, shown with its coverage, and adopted."""
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, assert_accessible, login, screenshot


def test_team_lead_generates_and_adopts_a_week(server, new_page):
    admin = server.api("admin")
    admin.post("/api/users", {"username": "lead", "role": "team_lead", "name": "Teamleider Lies", "team": "acute",
                              "password": PASSWORD}, expect=201)
    server.api("lead").post("/api/roster/shift-types", {
        "team": "acute", "code": "evening", "name": "Avonddienst", "start_time": "15:00", "end_time": "23:00",
        "min_staff": 1}, expect=201)
    page = new_page()
    login(page, "lead")
    expect(page.get_by_text("Rooster (avond, nacht, weekend)")).to_be_visible()
    page.get_by_role("button", name="Maak voorstel voor deze week").click()
    expect(page.get_by_text("Voorstel:")).to_be_visible(timeout=60_000)
    assert_accessible(page, "roster week")
    screenshot(page, "teamleider-rooster")
    with page.expect_response(lambda r: r.url.endswith("/adopt")) as answer:
        page.get_by_role("button", name="Voorstel overnemen").click()
    assert answer.value.status == 200
    today = date.today()
    adopted = server.api("lead").get(
        f"/api/roster/assignments?team=acute&from={today - timedelta(days=7)}&to={today + timedelta(days=14)}")
    assert adopted and {a["shift"] for a in adopted} == {"evening"}
