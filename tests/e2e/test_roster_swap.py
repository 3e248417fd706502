"""A swap end to end: a nurse offers her shift on her phone, a colleague takes it, the team lead sees it pending in
the week grid and approves it; the shift is the colleague's."""
from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, PHONE, assert_accessible, login, screenshot, local_today


def test_nurse_offers_colleague_takes_team_lead_approves(server, new_page):
    admin = server.api("admin")
    admin.post("/api/users", {"username": "swaplead", "role": "team_lead", "name": "Teamleider Sam", "team": "fact",
                              "password": PASSWORD}, expect=201)
    anna = admin.post("/api/users", {"username": "anna", "role": "nurse", "name": "Anna Aanbod", "team": "fact",
                                     "password": PASSWORD}, expect=201)
    bram = admin.post("/api/users", {"username": "bram", "role": "nurse", "name": "Bram Beschikbaar", "team": "fact",
                                     "password": PASSWORD}, expect=201)
    lead = server.api("swaplead")
    lead.post("/api/roster/shift-types", {"team": "fact", "code": "swap_evening", "name": "Ruilavond",
                                          "start_time": "15:00", "end_time": "23:00", "min_staff": 0}, expect=201)
    day = local_today() + timedelta(days=1)
    shift = lead.post("/api/roster/assignments", {"nurse_id": anna["id"], "shift": "swap_evening",
                                                  "day": day.isoformat()}, expect=201)

    phone = new_page(viewport=PHONE)
    login(phone, "anna")
    mine = phone.get_by_test_id("my-shifts")
    expect(mine.get_by_text("Ruilavond")).to_be_visible()
    mine.get_by_role("button", name="Ruil aanbieden").click()
    expect(mine.get_by_text("ter ruil aangeboden")).to_be_visible()

    other = new_page(viewport=PHONE)
    login(other, "bram")
    offered = other.get_by_test_id("offered-swaps")
    expect(offered.get_by_text("Ruilavond")).to_be_visible()
    assert_accessible(other, "nurse roster and swaps")
    screenshot(other, "verpleegkundige-ruil")
    offered.get_by_role("button", name="Overnemen: Ruilavond", exact=False).click()
    expect(other.get_by_text("Overgenomen; de teamleider beslist.")).to_be_visible()

    # Both asked for that day off: after the swap Anna's wish is met, Bram's is not.
    server.api("anna").post("/api/roster/wishes", {"kind": "day_off", "day": day.isoformat()}, expect=201)
    server.api("bram").post("/api/roster/wishes", {"kind": "day_off", "day": day.isoformat()}, expect=201)

    page = new_page()
    login(page, "swaplead")
    swaps = page.get_by_test_id("roster-swaps")
    expect(swaps.get_by_text("wacht op jouw akkoord")).to_be_visible()
    expect(swaps.get_by_text("Ruilavond", exact=False)).to_contain_text("Anna Aanbod → Bram Beschikbaar")
    screenshot(page, "teamleider-ruil")
    with page.expect_response(lambda r: r.url.endswith("/approve")) as answer:
        swaps.get_by_role("button", name="Ruil goedkeuren").click()
    assert answer.value.status == 200
    expect(page.get_by_text("Geen openstaande ruilverzoeken.")).to_be_visible()
    if day.isocalendar()[:2] != local_today().isocalendar()[:2]:
        page.get_by_role("button", name="Volgende week").click()
    grid = page.get_by_test_id("roster-grid")
    expect(grid.locator(f'tr[data-nurse="{anna["id"]}"] td[data-day="{day}"] [data-state="met"]')).to_be_visible()
    expect(grid.locator(f'tr[data-nurse="{bram["id"]}"] td[data-day="{day}"] [data-state="unmet"]')).to_be_visible()
    assert_accessible(page, "roster week with swaps and wishes")
    screenshot(page, "teamleider-wensen")
    week = lead.get(f"/api/roster/assignments?team=fact&from={day}&to={day + timedelta(days=1)}")
    assert [(a["id"], a["nurse_id"]) for a in week if a["shift"] == "swap_evening"] == [(shift["id"], bram["id"])]
    kinds = [e["kind"] for e in lead.get("/api/roster/events?team=fact")]
    assert kinds[-4:] == ["swap_offered", "swap_taken", "swap_approved", "changed"]
