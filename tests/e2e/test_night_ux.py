"""The app as a triagist, a nurse and a coordinator meet it at night (issue 15), in headless Chromium:
addresses by postcode + house number, Dutch field errors, a hanging network, 200 % zoom, an offer that rings
and expires, the board's map and nurses, a duplicate client offered instead of created."""
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PHONE, assert_accessible, login, screenshot

WIDE = {"width": 1280, "height": 900}
# 200 % zoom on a 390 × 844 phone: the page lays out in 195 × 422 CSS pixels.
ZOOMED = {"width": 195, "height": 422}
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= window.innerWidth"
HEADER_BOTTOM = "() => document.querySelector('header.top').getBoundingClientRect().bottom"
# Record every AudioContext the app makes and every tone it starts (the offer's ring).
AUDIO_PROBE = """
(() => {
  window.__audio = [];
  window.__tones = 0;
  const Real = window.AudioContext;
  window.AudioContext = class extends Real {
    constructor(...a) { super(...a); window.__audio.push(this); }
    createOscillator() { const o = super.createOscillator(); const start = o.start.bind(o); o.start = (...x) => { window.__tones++; return start(...x); }; return o; }
  };
})();
"""


def new_client_form(hap):
    hap.get_by_role("button", name="Nieuwe cliënt").first.click()


def fill_call(hap, category="wound_care", complaint="Wond lekt door het verband heen."):
    hap.get_by_label("Categorie").select_option(category)
    hap.get_by_label("Urgentie (NTS)").select_option("U3")
    hap.get_by_label("Klacht zoals getrieerd").fill(complaint)


def newest_call(api, name):
    return next(c for c in api.get("/api/calls") if c["client"]["name"] == name)


def cancel_all(server):
    coord = server.api("coord")
    for c in coord.get("/api/calls"):
        if c["status"] not in ("completed", "cancelled"):
            coord.post(f"/api/calls/{c['id']}/cancel", {"reason": "Einde test"})


@pytest.fixture
def clean(server):
    cancel_all(server)
    yield
    cancel_all(server)


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280x900", "390x844"])
def test_new_client_by_postcode_and_house_number(server, new_page, geo, clean, viewport):
    hap = new_page(viewport=viewport)
    login(hap, "hap")
    new_client_form(hap)
    name = f"Mevrouw F. Postma {viewport['width']}"
    hap.get_by_label("Naam", exact=True).fill(name)
    hap.get_by_label("Geboortedatum", exact=True).fill("1939-04-05")
    hap.get_by_label("Postcode").fill("7412 at")
    hap.get_by_label("Huisnummer").fill("230")
    expect(hap.get_by_test_id("address-state")).to_contain_text("Zwolseweg 230, 7412 AT Deventer")
    expect(hap.get_by_label("Adres", exact=True)).to_have_value("Zwolseweg 230")
    expect(hap.get_by_label("Plaats")).to_have_value("Deventer")
    assert not hap.get_by_label("Breedtegraad").count()
    fill_call(hap)
    assert hap.evaluate(NO_SIDEWAYS)
    screenshot(hap, f"hap-address-by-postcode-{viewport['width']}")
    assert_accessible(hap, "HAP intake with an address found")
    hap.get_by_role("button", name="Oproep versturen").click()
    expect(hap.get_by_test_id("hap-calls")).to_contain_text(name)
    call = newest_call(server.api("coord"), name)
    assert (call["client"]["address"], call["client"]["lat"], call["client"]["lon"]) == ("Zwolseweg 230", 52.272, 6.158)
    assert any("postcode:7412AT" in q["q"][0] for q in geo.requests)
    assert not hap.errors


def test_geocoder_down_call_still_made_and_flagged(server, new_page, geo, clean):
    geo.mode = "down"
    hap = new_page(viewport=PHONE)
    login(hap, "hap")
    new_client_form(hap)
    hap.get_by_label("Naam", exact=True).fill("De heer G. Hofman")
    hap.get_by_label("Geboortedatum", exact=True).fill("1933-08-09")
    hap.get_by_label("Postcode").fill("7411 BR")
    hap.get_by_label("Huisnummer").fill("12")
    expect(hap.get_by_test_id("address-state")).to_contain_text("Adres opzoeken lukt nu niet")
    hap.get_by_label("Adres", exact=True).fill("Brink 12")
    hap.get_by_label("Plaats").fill("Deventer")
    fill_call(hap, "fall_assessment", "Gevallen in de badkamer, pijn in de heup.")
    hap.get_by_role("button", name="Oproep versturen").click()
    row = hap.get_by_test_id("hap-calls").locator("li", has_text="De heer G. Hofman")
    expect(row).to_contain_text("adres niet gevonden")
    screenshot(hap, "hap-geocoder-down-flagged")
    coord = server.api("coord")
    call = newest_call(coord, "De heer G. Hofman")
    assert call["status"] == "open" and call["client"]["lat"] is None
    for rec in coord.get(f"/api/calls/{call['id']}/recommendations"):
        assert rec["eta_minutes"] is None and "adres cliënt niet gevonden: geen reistijd" in rec["reasons"]
    board = new_page()
    login(board, "coord")
    expect(board.locator(f"tr[data-call='{call['id']}']")).to_contain_text("adres niet gevonden")
    assert not hap.errors and not board.errors


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280x900", "390x844"])
def test_field_error_in_dutch_beside_its_field(server, new_page, geo, clean, viewport):
    hap = new_page(viewport=viewport)
    login(hap, "hap")
    new_client_form(hap)
    hap.get_by_label("Naam", exact=True).fill("Mevrouw H. de Wit")
    hap.get_by_label("Geboortedatum", exact=True).fill("1941-10-11")
    hap.get_by_label("Postcode").fill("3512 PH")
    hap.get_by_label("Huisnummer").fill("12")
    expect(hap.get_by_label("Adres", exact=True)).to_have_value("Lange Nieuwstraat 12")
    fill_call(hap)
    hap.get_by_label("Telefoon melder").fill("bel de buren")
    hap.get_by_role("button", name="Oproep versturen").click()
    phone = hap.get_by_label("Telefoon melder")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_be_focused()
    field = hap.locator(".field", has=phone)
    expect(field.locator(".field-error")).to_have_text("Geen geldig telefoonnummer.")
    top = hap.get_by_role("alert").filter(has_text="Niet verstuurd")
    expect(top).to_contain_text("Telefoon melder: Geen geldig telefoonnummer.")
    assert "The request" not in hap.locator("main").inner_text()
    box = phone.bounding_box()
    assert box["y"] >= hap.evaluate(HEADER_BOTTOM), "the focused field hides under the sticky header"
    screenshot(hap, f"hap-field-error-{viewport['width']}")
    assert_accessible(hap, "HAP field error")
    assert all(c["client"]["name"] != "Mevrouw H. de Wit" for c in server.api("coord").get("/api/calls"))
    assert not hap.errors


def accepted_call(server, name="Mevrouw K. Smits"):
    """A call for the nurse, accepted through the API, with a caller the triagist entered."""
    hap, coord, nurse = server.api("hap"), server.api("coord"), server.api("nurse")
    nurse.post("/api/me/status", {"status": "available"})
    call = hap.post("/api/calls", {
        "client": {"name": name, "birth_date": "1936-12-01", "address": "Brink 12", "postcode": "7411 BR",
                   "city": "Deventer", "phone": "0570-123456"},
        "team": "acute", "category": "catheter", "urgency": "U3", "complaint": "Katheter lekt.", "source": "hap",
        "caller_name": "Dochter Petra", "caller_phone": "06-12345678",
    }, expect=201)
    coord.post(f"/api/calls/{call['id']}/offer", {"nurse_id": nurse.user["id"]})
    nurse.post(f"/api/calls/{call['id']}/accept")
    return call


def test_hanging_request_goes_to_outbox_and_shell_starts_from_cache(server, new_page, clean):
    call = accepted_call(server)
    nurse = new_page(viewport=PHONE, permissions=["notifications"], has_touch=True, is_mobile=True, color_scheme="dark")
    # This device's requests give up after 1 s instead of 8 s (read by the app when it starts), so the test doesn't wait.
    nurse.context.add_init_script("localStorage.setItem('wijkspoed.timeoutMs', '1000')")
    login(nurse, "nurse")
    expect(nurse.get_by_test_id("call-status")).to_have_text("Geaccepteerd", timeout=15_000)
    expect(nurse.get_by_test_id("caller")).to_contain_text("Dochter Petra")
    expect(nurse.get_by_role("link", name="Bel cliënt")).to_have_attribute("href", "tel:0570-123456")
    onderweg = nurse.get_by_role("button", name="Ik ben onderweg")
    assert onderweg.bounding_box()["y"] + onderweg.bounding_box()["height"] <= PHONE["height"], "below the fold"
    assert nurse.evaluate(HEADER_BOTTOM) <= 64, "the header takes too much of the screen"
    screenshot(nurse, "nurse-call-caller-and-next-step")

    # One bar: the server takes the request and never answers.
    hung = []
    nurse.route(re.compile(r".*/api/calls/\d+/status$"), lambda route: hung.append(route))
    status_request = re.compile(r".*/api/calls/\d+/status$")
    started = time.monotonic()
    with nurse.expect_event("requestfailed", lambda r: status_request.match(r.url), timeout=10_000) as gave_up:
        onderweg.click()
        expect(nurse.get_by_test_id("call-status")).to_have_text("Onderweg")
        expect(nurse.get_by_test_id("outbox-count")).to_have_text("1 wijziging nog niet verstuurd")
        expect(nurse.get_by_role("button", name="Ik ben ter plaatse")).to_be_enabled()
    # The request ended by the app's own timeout (the server never answered) and the write stays in the outbox,
    # as when offline.
    assert hung, "the status request was not sent"
    assert gave_up.value.failure, "the status request did not end"
    waited = time.monotonic() - started
    assert 0.9 <= waited < 8, f"the request ended after {waited:.1f} s, not by the 1 s timeout"
    entries = nurse.evaluate("""async () => {
      const db = await new Promise((ok) => { const r = indexedDB.open('wijkspoed'); r.onsuccess = () => ok(r.result); });
      return await new Promise((ok) => { const r = db.transaction('outbox').objectStore('outbox').getAll(); r.onsuccess = () => ok(r.result); });
    }""")
    assert [e["state"] for e in entries] == ["pending"]
    assert time.monotonic() - started < 30
    expect(nurse.get_by_test_id("outbox-failed")).to_have_count(0)

    # A reload while /api/auth/me hangs: the nurse's screen comes from the device at once.
    nurse.route("**/api/auth/me", lambda route: hung.append(route))
    t0 = time.monotonic()
    nurse.reload()
    expect(nurse.get_by_test_id("call-status")).to_have_text("Onderweg", timeout=3_000)
    assert time.monotonic() - t0 < 3
    screenshot(nurse, "nurse-hanging-network-outbox")

    # The connection answers again: the outbox empties, exactly once.
    nurse.unroute(re.compile(r".*/api/calls/\d+/status$"))
    nurse.unroute("**/api/auth/me")
    nurse.get_by_test_id("outbox-count").click()
    expect(nurse.get_by_test_id("outbox-count")).to_have_text("Alles verstuurd", timeout=30_000)
    assert server.api("coord").get(f"/api/calls/{call['id']}")["status"] == "en_route"
    assert not nurse.errors


def test_200_percent_zoom_has_no_sideways_scroll_on_the_nurses_screens(server, new_page, clean):
    accepted_call(server, name="Mevrouw L. Zoom-de Grootgrutter")
    nurse = new_page(viewport=ZOOMED, device_scale_factor=4, permissions=["notifications"], has_touch=True,
                     is_mobile=True)
    login(nurse, "nurse")
    expect(nurse.get_by_test_id("call-status")).to_have_text("Geaccepteerd", timeout=15_000)
    assert nurse.evaluate(NO_SIDEWAYS), "current call scrolls sideways"
    screenshot(nurse, "nurse-zoom200-call")
    nurse.get_by_role("button", name="Ik ben onderweg").click()
    nurse.get_by_role("button", name="Ik ben ter plaatse").click()
    for tab in ("Metingen", "Verslag", "Overdracht", "Afronden"):
        nurse.get_by_role("tab", name=tab).click()
        assert nurse.evaluate(NO_SIDEWAYS), f"{tab} scrolls sideways"
        boxes = nurse.get_by_role("tab").evaluate_all("els => els.map(e => e.getBoundingClientRect()).map(r => [r.left, r.top, r.right, r.bottom])")
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], "tabs overlap"
        screenshot(nurse, f"nurse-zoom200-{tab.lower()}")
    # A refused form at 200 %: the browser's jump to the empty field lands below the (no longer sticky) header.
    nurse.get_by_role("tab", name="Overdracht").click()
    nurse.get_by_role("button", name="Overdracht versturen").click()
    name = nurse.get_by_label("Naam ontvanger")
    if not name.input_value():
        expect(name).to_be_focused()
        assert name.bounding_box()["y"] >= nurse.evaluate(HEADER_BOTTOM)
    assert not nurse.errors


def test_offer_rings_and_an_expired_offer_says_so(server, new_page, clean):
    nurse = new_page(viewport=PHONE, permissions=["notifications"], has_touch=True, is_mobile=True)
    nurse.add_init_script(AUDIO_PROBE)
    nurse.clock.install()
    login(nurse, "nurse")
    if nurse.get_by_test_id("availability").inner_text() != "Beschikbaar":
        nurse.get_by_role("button", name="Ik ben beschikbaar").click()
    expect(nurse.get_by_test_id("availability")).to_have_text("Beschikbaar")
    hap, coord, nurse_api = server.api("hap"), server.api("coord"), server.api("nurse")
    call = hap.post("/api/calls", {
        "client": {"name": "Mevrouw M. Ring", "birth_date": "1930-03-03", "address": "Brink 12", "postcode": "7411 BR",
                   "city": "Deventer"},
        "team": "acute", "category": "wound_care", "urgency": "U3", "complaint": "Wond bloedt.", "source": "hap",
    }, expect=201)
    coord.post(f"/api/calls/{call['id']}/offer", {"nurse_id": nurse_api.user["id"]})
    offer = nurse.get_by_test_id("offer")
    expect(offer).to_be_visible(timeout=20_000)
    nurse.wait_for_function("() => window.__tones > 0")
    assert nurse.evaluate("() => window.__audio.some((c) => c.state === 'running')"), "no AudioContext started"
    screenshot(nurse, "nurse-offer-ringing")
    # Nobody answers: past its window the card says so instead of vanishing.
    nurse.clock.fast_forward("10:00")
    expect(offer.get_by_test_id("offer-expired")).to_contain_text("Verlopen — doorgezet")
    expect(offer.get_by_role("button", name="Accepteren")).to_be_disabled()
    screenshot(nurse, "nurse-offer-expired")
    assert not nurse.errors


def test_board_map_nurses_panel_and_one_line_rows(server, new_page, clean):
    call = accepted_call(server, name="Mevrouw N. Kaart")
    hap = server.api("hap")
    other = hap.post("/api/calls", {
        "client": {"name": "De heer O. Lijst", "birth_date": "1932-05-05", "address": "Lange Nieuwstraat 12",
                   "postcode": "3512 PH", "city": "Utrecht"},
        "team": "acute", "category": "catheter", "urgency": "U2", "complaint": "Katheter verstopt.", "source": "hap",
    }, expect=201)
    board = new_page(viewport=WIDE)
    login(board, "coord")
    row = board.locator(f"tr[data-call='{other['id']}']")
    expect(row).to_contain_text("De heer O. Lijst · Utrecht")
    expect(row).to_contain_text("geleden")
    line = row.get_by_test_id("call-line")
    assert line.evaluate("e => e.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(e).lineHeight)")
    assert row.get_by_test_id("time-left").evaluate("e => e.getClientRects().length === 1")  # "Tijd tot norm" on one line
    nurses = board.get_by_test_id("nurses")
    expect(nurses).to_contain_text("Verpleegkundige Noor")
    expect(nurses).to_contain_text("bezig")
    expect(nurses).to_contain_text("Katheter")
    the_map = board.get_by_test_id("map")
    expect(the_map).to_have_attribute("data-state", re.compile("ready|no-tiles"))
    # The two running calls, and nurses at their last place (Noor; nurses of earlier tests may show too).
    expect(the_map.locator(".m-call")).to_have_count(2, timeout=10_000)
    expect(the_map.locator(".m-nurse").first).to_be_attached()
    # No internet here: the tiles fail, the map says so, and the list keeps working.
    expect(board.get_by_test_id("map-note")).to_contain_text("lijsten blijven werken", timeout=15_000)
    board.get_by_label("Zoek op cliënt, plaats, categorie of klacht").fill("kaart")
    expect(board.get_by_test_id("today").locator("li")).to_have_count(1)
    expect(board.get_by_test_id("today")).to_contain_text("Mevrouw N. Kaart")
    screenshot(board, "board-map-and-nurses-1280")
    assert_accessible(board, "board with map")
    # The detail panel of a finished call stays, with its state.
    row.get_by_role("button", name=re.compile("Details")).click()
    server.api("coord").post(f"/api/calls/{other['id']}/cancel", {"reason": "Familie regelt het"})
    expect(board.get_by_test_id("detail")).to_contain_text("Geannuleerd", timeout=15_000)

    phone = new_page(viewport=PHONE)
    login(phone, "coord")
    expect(phone.locator(f"tr[data-call='{call['id']}']")).to_contain_text("Mevrouw N. Kaart")
    expect(phone.get_by_test_id("nurses")).to_contain_text("Verpleegkundige Noor")
    assert phone.evaluate(NO_SIDEWAYS), "the board scrolls sideways on a phone"
    screenshot(phone, "board-phone-390")
    assert not board.errors and not phone.errors


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280x900", "390x844"])
def test_duplicate_client_is_offered_instead_of_created(server, new_page, geo, clean, viewport):
    name = f"Mevrouw E. Visser {viewport['width']}"
    hap_api = server.api("hap")
    first = hap_api.post("/api/calls", {
        "client": {"name": name, "birth_date": "1937-01-02", "address": "Brink 12", "postcode": "7411 BR",
                   "city": "Deventer"},
        "team": "acute", "category": "obstipation", "urgency": "U4", "complaint": "Al vijf dagen geen ontlasting.",
        "source": "hap",
    }, expect=201)
    hap = new_page(viewport=viewport)
    login(hap, "hap")
    new_client_form(hap)
    hap.get_by_label("Naam", exact=True).fill(name.replace("Mevrouw", "mevrouw"))
    hap.get_by_label("Geboortedatum", exact=True).fill("1937-01-02")
    hap.get_by_label("Postcode").fill("7411BR")
    hap.get_by_label("Huisnummer").fill("12")
    expect(hap.get_by_label("Adres", exact=True)).to_have_value("Brink 12")
    fill_call(hap, "wound_care", "Huidscheur aan de arm.")
    hap.get_by_role("button", name="Oproep versturen").click()
    matches = hap.get_by_test_id("matches")
    expect(matches).to_contain_text("Mogelijk bestaande cliënt")
    expect(matches).to_contain_text("02-01-1937")
    screenshot(hap, f"hap-duplicate-offered-{viewport['width']}")
    matches.get_by_role("button", name="Ja, deze cliënt").click()
    expect(hap.get_by_test_id("hap-calls").locator("li", has_text=name)).to_have_count(2)
    calls = [c for c in server.api("coord").get("/api/calls") if c["client"]["name"] == name]
    assert len(calls) == 2 and {c["client_id"] for c in calls} == {first["client_id"]}
    assert not hap.errors


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280x900", "390x844"])
def test_triagist_finds_a_known_client_by_name(server, new_page, clean, viewport):
    name = f"Mevrouw P. Naamzoek {viewport['width']}"
    first = server.api("hap").post("/api/calls", {
        "client": {"name": name, "birth_date": "1934-06-07", "address": "Brink 12", "postcode": "7411 BR",
                   "city": "Deventer"},
        "team": "acute", "category": "wound_care", "urgency": "U4", "complaint": "Verband los.", "source": "hap",
    }, expect=201)
    hap = new_page(viewport=viewport)
    login(hap, "hap")
    hap.get_by_label("Of zoek op naam").fill(f"naamzoek {viewport['width']}")
    hap.get_by_role("button", name="Zoek op naam").click()
    hap.get_by_role("button", name=re.compile(f"{name} · 07-06-1934")).click()
    expect(hap.get_by_text("Gekozen cliënt")).to_contain_text(name)
    fill_call(hap, "catheter", "Katheter lekt.")
    assert hap.evaluate(NO_SIDEWAYS)
    screenshot(hap, f"hap-client-by-name-{viewport['width']}")
    hap.get_by_role("button", name="Oproep versturen").click()
    expect(hap.get_by_test_id("hap-calls").locator("li", has_text=name)).to_have_count(2)
    calls = [c for c in server.api("coord").get("/api/calls") if c["client"]["name"] == name]
    assert {c["client_id"] for c in calls} == {first["client_id"]}
    # The team's coordinator finds her too: the call is her team's work.
    assert server.api("coord").get(f"/api/clients?name=naamzoek%20{viewport['width']}")
    assert not hap.errors
