"""The HAP triagist's intake (new and known client) and the coordinator's board, on the foundation alone."""
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, login, screenshot

BSN = "123456782"  # passes the 11-check


def test_hap_intake_known_client_cancel_and_board_order(server, new_page):
    hap = new_page()
    login(hap, "hap")
    hap.get_by_role("button", name="Nieuwe cliënt").click()
    hap.get_by_label("Naam", exact=True).fill("Meneer D. Smit")
    hap.get_by_label("Geboortedatum", exact=True).fill("1936-02-03")
    hap.get_by_label("Adres").fill("Vismarkt 3")
    hap.get_by_label("Postcode").fill("3511 AB")
    hap.get_by_label("Plaats").fill("Utrecht")
    hap.get_by_label("BSN", exact=True).fill(BSN)
    hap.get_by_label("Categorie").select_option("diabetes")
    hap.get_by_label("Urgentie (NTS)").select_option("U4")
    hap.get_by_label("Klacht zoals getrieerd").fill("Glucose 22, dorst, suf.")
    hap.get_by_role("button", name="Oproep versturen").click()
    calls = hap.get_by_test_id("hap-calls")
    expect(calls).to_contain_text("Ontregelde diabetes")

    # A second call for the same client: found by BSN and birth date, from the keyboard.
    hap.get_by_label("BSN", exact=True).fill(BSN)
    hap.get_by_label("Geboortedatum", exact=True).fill("1936-02-03")
    hap.get_by_label("Geboortedatum", exact=True).press("Enter")
    hap.get_by_role("button", name="Meneer D. Smit").click()
    expect(hap.get_by_text("Gekozen cliënt")).to_be_visible()
    hap.get_by_label("Categorie").select_option("fall_assessment")
    hap.get_by_label("Urgentie (NTS)").select_option("U2")
    hap.get_by_label("Klacht zoals getrieerd").fill("Gevallen, kan niet opstaan, geen letsel zichtbaar.")
    hap.get_by_role("button", name="Oproep versturen").click()
    expect(calls.locator("li", has_text="Meneer D. Smit")).to_have_count(2)

    # U0/U1 is refused in the form with the advice to call 112.
    hap.get_by_role("button", name="Nieuwe cliënt").click()
    hap.get_by_label("Urgentie (NTS)").select_option("U1")
    expect(hap.get_by_role("alert")).to_contain_text("bel 112")
    hap.get_by_label("Urgentie (NTS)").select_option("U3")
    assert_accessible(hap, "HAP intake with a new client")

    coord = server.api("coord")
    mine = {c["category"]: c for c in coord.get("/api/calls")}
    assert mine["fall_assessment"]["client_id"] == mine["diabetes"]["client_id"]

    # The board lists the U2 first, with the time left to its target, and refreshes itself.
    board = new_page()
    login(board, "coord")
    fall, diabetes = (board.locator(f"tr[data-call='{mine[k]['id']}']") for k in ("fall_assessment", "diabetes"))
    expect(fall).to_contain_text("Val of trauma beoordelen")
    expect(fall).to_contain_text("nog")
    expect(diabetes).to_be_visible()
    order = board.get_by_test_id("board").locator("tbody tr").evaluate_all("rows => rows.map(r => +r.dataset.call)")
    assert order.index(mine["fall_assessment"]["id"]) < order.index(mine["diabetes"]["id"])
    assert_accessible(board, "board")

    # The HAP cancels the diabetes call; board and list follow.
    row = calls.locator("li", has_text="Ontregelde diabetes")
    row.get_by_role("button", name="Annuleren").click()
    row.get_by_label("Reden van annuleren").fill("Familie regelt huisarts")
    row.get_by_role("button", name="Annulering bevestigen").click()
    expect(calls.locator("li", has_text="Ontregelde diabetes")).to_contain_text("Geannuleerd")
    expect(diabetes).to_have_count(0, timeout=15_000)
    screenshot(board, "coordinator-board-after-cancel")
    coord.post(f"/api/calls/{mine['fall_assessment']['id']}/cancel", {"reason": "Einde test"})
    assert not hap.errors and not board.errors
