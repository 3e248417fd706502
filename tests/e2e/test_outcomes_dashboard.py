"""The team lead opens the outcomes dashboard on 90 days of demo history: tiles, three charts, their tables."""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import _flask
from tests.e2e.helpers import PASSWORD, SCREENSHOTS, assert_accessible, login


def test_team_lead_sees_her_outcomes_on_the_demo_history(server, new_page):
    server.require("/api/kpis", "/api/kpis/weekly", "/api/kpis/export.csv")
    admin = server.api("admin")
    admin.post("/api/users", {"username": "lead.kpis", "role": "team_lead", "name": "Teamleider Kim", "team": "acute",
                              "password": PASSWORD}, expect=201)
    admin.post("/api/users", {"username": "nurse.fact", "role": "nurse", "name": "Verpleegkundige Femke",
                              "team": "fact", "password": PASSWORD}, expect=201)
    out = _flask(server.env, "demo", "history", "--days", "90")
    assert "past calls over 90 days" in out

    page = new_page()
    # The shell must not load the chart library before the dashboard is opened.
    loaded = []
    page.on("request", lambda r: loaded.append(r.url))
    login(page, "lead.kpis")
    assert not any("dashboard-" in url for url in loaded)
    page.get_by_role("button", name=re.compile("^Resultaten")).click()
    dashboard = page.get_by_test_id("dashboard")
    expect(dashboard.get_by_role("heading", name="Resultaten")).to_be_visible()
    assert any("dashboard-" in url for url in loaded)

    for tile in ("tile-within", "tile-home", "tile-handovers"):
        expect(page.get_by_test_id(tile)).to_contain_text(re.compile(r"\d+(,\d)? %"))
    expect(page.get_by_test_id("tile-recalls")).to_contain_text(re.compile(r"\d+"))
    for chart in ("chart-within", "chart-mix", "chart-dist"):
        expect(page.get_by_test_id(chart).locator("canvas")).to_have_count(1)
    # the numbers beside each chart: ~13 weeks, and every bin of the distribution
    assert page.get_by_test_id("table-within").locator("tbody tr").count() >= 13
    assert page.get_by_test_id("table-mix").locator("tbody tr").count() >= 13
    expect(page.get_by_test_id("table-dist").locator("tbody tr")).to_have_count(9)
    expect(page.get_by_test_id("table-urgency")).to_contain_text("U2")
    assert_accessible(page, "outcomes dashboard")

    # other periods through the picker
    rows = page.get_by_test_id("table-within").locator("tbody tr")

    def show(preset):
        with page.expect_response(lambda r: "/api/kpis/weekly" in r.url) as answer:
            page.get_by_test_id(preset).click()
            page.get_by_role("button", name="Toon", exact=True).click()
        assert answer.value.status == 200
        expect(page.get_by_text("Cijfers laden…")).to_be_hidden()
        return rows.count()

    assert show("preset-4w") in (4, 5)  # 28 days touch 4 or 5 ISO weeks
    assert show("preset-13w") in (13, 14)
    page.wait_for_timeout(300)  # let uPlot finish drawing before the picture
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dashboard.screenshot(path=str(SCREENSHOTS / "teamleider-resultaten.png"))
    assert page.errors == []
