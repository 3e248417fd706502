"""The team lead's week grid: a proposal is generated, shown with its coverage, and adopted."""
import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, PHONE, assert_accessible, login, screenshot, local_today

NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= window.innerWidth"
SMALLEST_BUTTON = """() => Math.min(...[...document.querySelectorAll('[data-testid=roster-week] button')]
  .map((b) => b.getBoundingClientRect()).map((r) => Math.min(r.width, r.height)))"""
DAYS = ["ma", "di", "wo", "do", "vr", "za", "zo"]
MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def day_label(d: date) -> str:
    return f"{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]}"


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
    proposal = page.get_by_test_id("roster-proposal")
    expect(proposal).to_contain_text("Voorstel:", timeout=60_000)
    expect(proposal).to_contain_text("rooster")
    assert not re.search(r"OPTIMAL|FEASIBLE|Rekenstatus", proposal.inner_text())
    # The proposal is in the grid before it is adopted.
    grid = page.get_by_test_id("roster-grid")
    expect(grid).to_have_attribute("data-mode", "proposal")
    expect(grid.locator(".shift.proposed").first).to_be_visible()
    assert_accessible(page, "roster week")
    screenshot(page, "teamleider-rooster")
    screenshot(page, "teamleider-rooster-voorstel-1280")
    with page.expect_response(lambda r: r.url.endswith("/adopt")) as answer:
        page.get_by_role("button", name="Voorstel overnemen").click()
    assert answer.value.status == 200
    today = local_today()
    adopted = server.api("lead").get(
        f"/api/roster/assignments?team=acute&from={today - timedelta(days=7)}&to={today + timedelta(days=14)}")
    # The demo's physicians are on call through a shift type of their own, which a nurses' proposal never touches.
    nurse_shifts = {a["shift"] for a in adopted if a["shift"] != "so_oncall"}
    assert nurse_shifts == {"evening"}


def test_roster_on_a_phone_fits_and_lists_gaps_once_per_shift(server, new_page):
    admin = server.api("admin")
    admin.post("/api/users", {"username": "phonelead", "role": "team_lead", "name": "Teamleider Fenna", "team": "fact",
                              "password": PASSWORD}, expect=201)
    admin.post("/api/users", {"username": "fnurse", "role": "nurse", "name": "Femke Fact", "team": "fact",
                              "password": PASSWORD}, expect=201)
    server.api("phonelead").post("/api/roster/shift-types", {
        "team": "fact", "code": "phone_night", "name": "Telefoonnacht", "start_time": "23:00", "end_time": "07:30",
        "min_staff": 4}, expect=201)
    page = new_page(viewport=PHONE)
    login(page, "phonelead")
    grid = page.get_by_test_id("roster-grid")
    expect(grid).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS), "the roster scrolls sideways on a phone"
    # Gaps: one group per shift type, one line per run of days short of the same — never for a past day.
    group = page.get_by_test_id("roster-problems").locator(".gap-group[data-shift='phone_night']")
    expect(group).to_contain_text("tekort")
    lines = group.locator(":scope > ul > li")
    assert 1 <= lines.count() <= 7
    today = local_today()
    monday = today - timedelta(days=today.weekday())
    text = group.inner_text()
    for past in (monday + timedelta(days=i) for i in range(today.weekday())):
        assert day_label(past) not in text, f"a gap of {past} (past) is listed"
    page.get_by_role("button", name="Maak voorstel voor deze week").click()
    proposal = page.get_by_test_id("roster-proposal")
    expect(proposal).to_be_visible(timeout=60_000)
    assert not re.search(r"OPTIMAL|FEASIBLE|Rekenstatus", proposal.inner_text())
    expect(grid).to_have_attribute("data-mode", "proposal")
    assert page.evaluate(NO_SIDEWAYS), "the proposal scrolls sideways on a phone"
    assert page.evaluate(SMALLEST_BUTTON) >= 44, "a roster button is smaller than 44 px"
    assert_accessible(page, "roster on a phone")
    screenshot(page, "teamleider-rooster-voorstel-390")
    page.get_by_role("button", name="Voorstel negeren").click()
    assert not page.errors
