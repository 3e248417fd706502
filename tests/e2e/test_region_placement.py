"""A temporary bed, end to end in Chromium: the nurse asks at outcome temporary_stay, the regional coordinator
offers it to a location, the bed manager accepts on her phone, and the nurse's screen shows where the client goes."""
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, PHONE, login, screenshot
from tests.e2e.test_field_app import arrive, nurse_phone

STORY = ("/api/organisations", "/api/locations", "/api/capacity", "/api/placements",
         "/api/placements/{placement_id}/offer", "/api/placements/{placement_id}/accept")


def _region(server):
    """A care provider with one location (2 ELV-laagcomplex beds), its bed manager, the regional coordinator."""
    admin = server.api("admin")
    org = admin.post("/api/organisations", {"name": "Carinova e2e", "kind": "care_provider"}, expect=201)
    location = admin.post("/api/locations", {
        "organisation_id": org["id"], "name": "De Lange Aa (ELV)", "address": "Lange Aa 1, Deventer",
        "postcode": "7411 KA", "lat": 52.256, "lon": 6.160, "phone": "0570 123 401",
        "bed_types": ["elv_low", "elv_high"]}, expect=201)
    admin.post("/api/users", {"username": "bed.e2e", "password": PASSWORD, "role": "bed_manager",
                              "name": "Linda Groen", "organisation_id": org["id"]}, expect=201)
    admin.post("/api/users", {"username": "regio.e2e", "password": PASSWORD, "role": "regional_coordinator",
                              "name": "Karin Veenstra"}, expect=201)
    server.api("bed.e2e").call("PUT", f"/api/capacity/{location['id']}/elv_low", json={"free": 2})
    return location


def test_nurse_requests_a_bed_the_region_offers_and_the_bed_manager_accepts(server, new_page):
    server.require(*STORY)
    location = _region(server)
    call = server.api("hap").post("/api/calls", {
        "client": {"name": "Mevrouw C. Bos", "birth_date": "1931-07-08", "address": "Brink 4", "postcode": "7411 BT",
                   "city": "Deventer", "lat": 52.2519, "lon": 6.1597},
        "team": "acute", "category": "fall_assessment", "urgency": "U3",
        "complaint": "Gevallen, kan niet meer zelfstandig naar het toilet.", "source": "hap"}, expect=201)

    # The nurse takes the call and is on site.
    nurse = nurse_phone(new_page)
    arrive(server, nurse, call)

    # Outcome temporary stay: "Plaats aanvragen" with the bed types free now.
    nurse.get_by_role("tab", name="Afronden").click()
    nurse.get_by_label("Uitkomst").select_option("temporary_stay")
    request = nurse.get_by_test_id("placement-request")
    expect(request.get_by_label("Soort bed").locator("option[value='elv_low']")).to_contain_text("2 vrij")
    request.get_by_label("Soort bed").select_option("elv_low")
    request.get_by_label("Vraag").fill("Valt veel, kan vannacht niet alleen thuis blijven. Geen SEH nodig.")
    request.get_by_role("button", name="Plaats aanvragen").click()
    status = nurse.get_by_test_id("placement-status")
    expect(status).to_contain_text("Aangevraagd")
    screenshot(nurse, "region-1-nurse-request")

    # The regional coordinator sees it on her board and offers it to the location.
    regio = new_page()
    login(regio, "regio.e2e")
    expect(regio.get_by_test_id("bed-board")).to_contain_text("De Lange Aa (ELV)")
    placement = regio.locator("li[data-testid^='placement-']", has_text="Mevrouw C. Bos")
    expect(placement).to_contain_text("wacht")
    placement.get_by_label("Voorleggen aan").select_option(str(location["id"]))
    screenshot(regio, "regional-board")
    placement.get_by_role("button", name="Voorleggen").click()
    expect(placement).to_contain_text("Voorgelegd aan locatie")

    # The bed manager, on her phone, accepts: one bed fewer.
    bed = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    login(bed, "bed.e2e")
    incoming = bed.locator("article[data-testid^='incoming-']")
    expect(incoming).to_contain_text("Mevrouw C. Bos", timeout=15_000)
    expect(bed.get_by_test_id(f"count-{location['id']}-elv_low")).to_contain_text("2")
    screenshot(bed, "bed-manager-phone")
    incoming.get_by_role("button", name="Accepteren").click()
    expect(incoming).to_contain_text("Geaccepteerd")
    expect(bed.get_by_test_id(f"count-{location['id']}-elv_low").locator("strong")).to_have_text("1")
    # two taps: one more bed free
    bed.get_by_role("button", name="Eén ELV hoogcomplex meer vrij").click()
    expect(bed.get_by_test_id(f"count-{location['id']}-elv_high").locator("strong")).to_have_text("1")
    screenshot(bed, "bed-manager-phone-accepted")

    # The nurse's screen shows where the client goes.
    expect(status).to_contain_text("Cliënt gaat naar De Lange Aa (ELV)", timeout=15_000)
    screenshot(nurse, "region-2-nurse-destination")
    rows = server.api("regio.e2e").get("/api/capacity?bed_type=elv_low")
    assert [r["free"] for r in rows if r["location_id"] == location["id"]] == [1]
    for page in (nurse, regio, bed):
        assert page.errors == []
