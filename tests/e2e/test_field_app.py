"""The field app end to end: HAP → coordinator → nurse on a phone, offline and back, in headless Chromium."""
import re

from playwright.sync_api import expect

from tests.e2e.helpers import PHONE, assert_accessible, login, screenshot

CATEGORY = "Katheter / urinewegen"
OPEN_DEVICE = ("await new Promise((ok, no) => { const r = indexedDB.open('wijkspoed'); r.onsuccess = () => ok(r.result); "
               "r.onerror = no; })")
READ_DEVICE = f"""async () => {{
  const db = {OPEN_DEVICE};
  const all = (s) => new Promise((ok) => {{ const r = db.transaction(s).objectStore(s).getAll(); r.onsuccess = () => ok(r.result); }});
  const out = {{ visits: await all('visits'), outbox: await all('outbox'), calls: await all('calls') }};
  db.close();
  return out;
}}"""
READ_CURSOR = f"""async () => {{
  const db = {OPEN_DEVICE};
  const got = await new Promise((ok) => {{ const r = db.transaction('meta').objectStore('meta').get('cursor'); r.onsuccess = () => ok(r.result); }});
  db.close();
  return got;
}}"""
SET_CURSOR = f"""async (cursor) => {{
  const db = {OPEN_DEVICE};
  await new Promise((ok) => {{ const t = db.transaction('meta', 'readwrite'); t.objectStore('meta').put(cursor, 'cursor'); t.oncomplete = ok; }});
  db.close();
}}"""


def nurse_phone(new_page):
    page = new_page(viewport=PHONE, permissions=["notifications"], has_touch=True, is_mobile=True, color_scheme="dark")
    login(page, "nurse")
    return page


def go_available(page):
    if page.get_by_test_id("availability").inner_text() != "Beschikbaar":
        page.get_by_role("button", name="Ik ben beschikbaar").click()
    expect(page.get_by_test_id("availability")).to_have_text("Beschikbaar")


def wait_all_sent(page, timeout=30_000):
    expect(page.get_by_test_id("outbox-count")).to_have_text("Alles verstuurd", timeout=timeout)


def tap_until_answered(page, button, method, path_end):
    """Tap a button whose write goes through the outbox, and wait until the server has answered that write.

    "Alles verstuurd" alone can be read before the header counted a write just queued."""
    with page.expect_response(lambda r: r.request.method == method and r.url.endswith(path_end)):
        page.get_by_role("button", name=button).click()


def on_site(nurse):
    """She drives and arrives; the server has her status and her visit (sent after it) when this returns."""
    tap_until_answered(nurse, "Ik ben onderweg", "POST", "/status")
    tap_until_answered(nurse, "Ik ben ter plaatse", "POST", "/api/visits")
    expect(nurse.get_by_role("tab", name="Metingen")).to_be_visible()
    wait_all_sent(nurse)


def take_offer(server, nurse, call):
    """She goes available, the coordinator offers her the call, and she accepts it."""
    go_available(nurse)
    server.api("coord").post(f"/api/calls/{call['id']}/offer", {"nurse_id": server.api("nurse").user["id"]})
    nurse.get_by_test_id("offer").get_by_role("button", name="Accepteren").click(timeout=20_000)


def arrive(server, nurse, call):
    """The coordinator offers the call to the nurse; she accepts, drives and arrives: the visit screen opens."""
    take_offer(server, nurse, call)
    on_site(nurse)


def event_types(api, call_id):
    return [e.get("type") for e in api.get(f"/api/calls/{call_id}/events")]


STORY = ("/api/me/status", "/api/calls/{call_id}/recommendations", "/api/visits", "/api/visits/{visit_id}",
         "/api/visits/{visit_id}/vitals", "/api/visits/{visit_id}/complete", "/api/handovers", "/api/sync/pull")


def test_call_from_hap_to_nurse_offline_and_back(server, new_page):
    server.require(*STORY)
    # The HAP triagist raises a call for a new client.
    hap = new_page()
    login(hap, "hap")
    assert_accessible(hap, "HAP intake")
    hap.get_by_role("button", name="Nieuwe cliënt").click()
    hap.get_by_label("Naam", exact=True).fill("Mevrouw A. de Vries")
    hap.get_by_label("Geboortedatum").fill("1934-05-06")
    hap.get_by_label("Adres").fill("Lange Nieuwstraat 12")
    hap.get_by_label("Postcode").fill("3512 PH")
    hap.get_by_label("Plaats").fill("Utrecht")
    hap.get_by_label("Categorie").select_option("catheter")
    hap.get_by_label("Urgentie (NTS)").select_option("U3")
    hap.get_by_label("Klacht zoals getrieerd").fill("Verstopte verblijfskatheter, pijn in de onderbuik sinds vanmiddag.")
    hap.get_by_role("button", name="Oproep versturen").click()
    hap_calls = hap.get_by_test_id("hap-calls")
    expect(hap_calls.get_by_test_id("hap-call-status").first).to_have_text("Open")
    screenshot(hap, "hap-intake")

    coord_api = server.api("coord")
    call = next(c for c in coord_api.get("/api/calls") if c["category"] == "catheter" and c["status"] == "open")

    # The nurse, on her phone, goes on duty; push is off in this browser and the app says so.
    nurse = nurse_phone(new_page)
    expect(nurse.get_by_test_id("push-state")).to_contain_text("Meldingen")
    go_available(nurse)
    screenshot(nurse, "nurse-1-home")
    cdp = nurse.context.new_cdp_session(nurse)
    # Installable as an app (a Playwright context is an incognito profile: that one reason does not count).
    errors = [e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    assert [e for e in errors if e != "in-incognito"] == []
    assert_accessible(nurse, "nurse home")

    # The coordinator sees the call on the board, with recommendations, and offers it in one click.
    board = new_page()
    login(board, "coord")
    row = board.locator(f"tr[data-call='{call['id']}']")
    expect(row).to_contain_text(CATEGORY)
    row.get_by_role("button", name=re.compile("Details")).click()
    recs = board.get_by_test_id("recommendations")
    expect(recs).to_contain_text("Verpleegkundige Noor")
    assert_accessible(board, "dispatch board")
    recs.locator("li.rec", has_text="Verpleegkundige Noor").get_by_role("button", name="Aanbieden").click()
    expect(row).to_contain_text("Aangeboden")
    screenshot(board, "coordinator-board")

    # The offer reaches the phone as a full-screen card; she accepts and drives.
    offer = nurse.get_by_test_id("offer")
    expect(offer).to_be_visible(timeout=20_000)
    expect(offer).to_contain_text("U3")
    expect(offer).to_contain_text(CATEGORY)
    expect(offer).to_contain_text("km")
    screenshot(nurse, "nurse-2-offer")
    assert_accessible(nurse, "nurse offer")
    offer.get_by_role("button", name="Accepteren").click()
    expect(nurse.get_by_test_id("call-status")).to_have_text("Geaccepteerd")
    expect(nurse.get_by_role("link", name="Open adres in kaarten-app")).to_have_attribute("href", re.compile(r"^geo:52\.088,5\.121"))
    screenshot(nurse, "nurse-3-call")
    tap_until_answered(nurse, "Ik ben onderweg", "POST", "/status")
    expect(nurse.get_by_test_id("call-status")).to_have_text("Onderweg")
    tap_until_answered(nurse, "Ik ben ter plaatse", "POST", "/api/visits")
    expect(nurse.get_by_role("tab", name="Metingen")).to_be_visible()
    wait_all_sent(nurse)
    visit_id = nurse.evaluate(READ_DEVICE)["visits"][0]["id"]
    assert server.api("nurse").get(f"/api/visits/{visit_id}")["call_id"] == call["id"]

    # No signal in the client's house: vitals, report, handover and outcome go into the outbox.
    nurse.context.set_offline(True)
    expect(nurse.get_by_test_id("net")).to_contain_text("Geen verbinding")
    nurse.get_by_label("Ademfrequentie (/min)").fill("22")
    nurse.get_by_label("Saturatie SpO₂ (%)").fill("94")
    nurse.get_by_label("Systolische bloeddruk (mmHg)").fill("105")
    nurse.get_by_label("Hartfrequentie (/min)").fill("95")
    expect(nurse.get_by_test_id("news2")).to_contain_text("vul alle metingen in")
    nurse.get_by_label("Temperatuur (°C)").fill("38.4")
    expect(nurse.get_by_test_id("news2")).to_contain_text("NEWS2 6")
    screenshot(nurse, "nurse-4-vitals")
    assert_accessible(nurse, "nurse vitals")
    nurse.get_by_role("button", name="Meting opslaan").click()
    expect(nurse.get_by_test_id("vitals-list")).to_contain_text("nog niet verstuurd")

    nurse.get_by_role("tab", name="Verslag").click()
    nurse.get_by_label("Wat heb je gedaan (één handeling per regel)").fill("Katheter gespoeld en vervangen, urine helder.")
    nurse.get_by_label("Bevindingen en afspraken").fill("Koorts 38,4: huisarts morgen laten kijken.")
    nurse.get_by_role("button", name="Verslag opslaan").click()

    nurse.get_by_role("tab", name="Overdracht").click()
    # The handover carries the band's clinical response (RCP) with the score and the values it came from.
    expect(nurse.get_by_test_id("handover-advice")).to_contain_text("NEWS2 6")
    expect(nurse.get_by_test_id("handover-advice")).to_contain_text("binnen een uur")
    assessment = nurse.get_by_label("A — Beoordeling").input_value()
    assert "binnen een uur" in assessment and "AF 22" in assessment and "38,4 °C" in assessment, assessment
    nurse.get_by_label("Naam ontvanger").fill("Thuiszorg De Linde, wijkteam Oost")
    nurse.get_by_label("B — Achtergrond").fill("Verblijfskatheter sinds maart, mantelzorger dochter.")
    nurse.get_by_label("A — Beoordeling").fill("Katheter verstopt, NEWS2 6 door koorts.")
    nurse.get_by_label("R — Advies").fill("Morgen temperatuur en urine controleren.")
    screenshot(nurse, "nurse-5-handover")
    nurse.get_by_role("button", name="Overdracht versturen").click()

    nurse.get_by_label("Uitkomst").select_option("home_resolved")
    nurse.get_by_role("button", name="Bezoek afronden").click()
    expect(nurse.get_by_text("Bezoek afgerond")).to_be_visible()
    expect(nurse.get_by_test_id("outbox-count")).to_have_text("4 wijzigingen nog niet verstuurd")

    # A reload without signal: the app and her unsent work are still there.
    nurse.reload()
    expect(nurse.get_by_test_id("outbox-count")).to_have_text("4 wijzigingen nog niet verstuurd")
    expect(nurse.get_by_text("Bezoek afgerond")).to_be_visible()
    screenshot(nurse, "nurse-6-offline-reloaded")

    # Signal again: everything reaches the server, exactly once.
    nurse.context.set_offline(False)
    wait_all_sent(nurse)
    nurse.get_by_test_id("outbox-count").click()  # a second replay must not send anything twice
    wait_all_sent(nurse)
    nurse_api = server.api("nurse")
    assert coord_api.get(f"/api/calls/{call['id']}")["status"] == "completed"
    types = event_types(coord_api, call["id"])
    for kind in ("en_route", "on_site", "completed"):
        assert sum(kind in str(t) for t in types) == 1, types
    visit = nurse_api.get(f"/api/visits/{visit_id}")
    assert [a["action"] for a in visit["actions"]] == ["Katheter gespoeld en vervangen, urine helder."]
    assert visit["actions_note"] == "Koorts 38,4: huisarts morgen laten kijken."
    assert len(visit["vitals"]) == 1 and visit["latest_news2"]["score"] == 6
    assert visit["outcome"] == "home_resolved"
    handovers = nurse_api.get(f"/api/handovers?visit_id={visit_id}")
    assert [h["recipient_name"] for h in handovers] == ["Thuiszorg De Linde, wijkteam Oost"]

    # The HAP sees the live status and the closing note.
    expect(hap_calls.get_by_test_id("hap-call-status").first).to_have_text("Afgerond", timeout=15_000)
    closing = coord_api.get(f"/api/calls/{call['id']}")["closing_note"]
    assert closing
    expect(hap_calls).to_contain_text(closing)
    screenshot(hap, "hap-closing-note")

    # Logout wipes the device: no client data in IndexedDB or in the caches.
    expect(nurse.get_by_test_id("availability")).to_be_visible(timeout=15_000)
    nurse.get_by_role("button", name="Uitloggen").click()
    expect(nurse.get_by_role("button", name="Inloggen")).to_be_visible()
    left = nurse.evaluate("""async () => {
      const dbs = (await indexedDB.databases()).map((d) => d.name);
      const urls = [];
      for (const key of await caches.keys()) {
        for (const req of await (await caches.open(key)).keys()) urls.push(req.url);
      }
      return { dbs, urls };
    }""")
    assert "wijkspoed" not in left["dbs"]
    assert not [u for u in left["urls"] if "/api/" in u and not u.endswith("/api/push/vapid-public-key")]
    assert_accessible(nurse, "login")
    assert not nurse.errors and not hap.errors and not board.errors


def test_conflicting_edit_is_shown_to_the_nurse(server, new_page):
    server.require(*STORY)
    hap_api, coord_api = server.api("hap"), server.api("coord")
    call = hap_api.post("/api/calls", {
        "client": {"name": "Meneer B. Jansen", "birth_date": "1940-01-02", "address": "Oudegracht 1", "postcode": "3511 AA",
                   "city": "Utrecht", "lat": 52.09, "lon": 5.118},
        "team": "acute", "category": "wound_care", "urgency": "U4", "complaint": "Wond lekt door verband.", "source": "hap",
    }, expect=201)
    nurse = nurse_phone(new_page)
    arrive(server, nurse, call)
    visit_id = nurse.evaluate(READ_DEVICE)["visits"][0]["id"]

    # Meanwhile the server copy changes (the same nurse on another device).
    other = server.api("nurse")
    current = other.get(f"/api/visits/{visit_id}")
    other.call("PATCH", f"/api/visits/{visit_id}", json={"version": current["version"], "actions_note": "Verband gewisseld (tablet)."})

    nurse.get_by_role("tab", name="Verslag").click()
    nurse.get_by_label("Bevindingen en afspraken").fill("Wond gespoeld en opnieuw verbonden.")
    nurse.get_by_role("button", name="Verslag opslaan").click()
    conflict = nurse.get_by_test_id("conflict")
    expect(conflict).to_be_visible(timeout=15_000)
    expect(conflict).to_contain_text("Wond gespoeld en opnieuw verbonden.")
    expect(conflict).to_contain_text("Verband gewisseld (tablet).")
    expect(nurse.get_by_test_id("outbox-count")).to_have_text("1 wijziging nog niet verstuurd")
    screenshot(nurse, "nurse-7-conflict")
    assert_accessible(nurse, "conflict")

    conflict.get_by_role("button", name="Mijn wijziging toch opslaan").click()
    wait_all_sent(nurse)
    expect(conflict).to_have_count(0)
    assert other.get(f"/api/visits/{visit_id}")["actions_note"] == "Wond gespoeld en opnieuw verbonden."
    coord_api.post(f"/api/calls/{call['id']}/cancel", {"reason": "Einde test"})
    assert not nurse.errors


def test_a_pull_read_before_her_status_committed_does_not_flip_it_back(server, new_page):
    """Her "Ik ben ter plaatse" is on its way; a pull the server answered before it committed arrives after
    the server took it: the old status must not come back (the next pull need not bring the call again)."""
    server.require(*STORY)
    call = server.api("hap").post("/api/calls", {
        "client": {"name": "Mevrouw C. Bakker", "birth_date": "1937-03-04", "address": "Neude 5", "postcode": "3512 AE",
                   "city": "Utrecht", "lat": 52.093, "lon": 5.119},
        "team": "acute", "category": "wound_care", "urgency": "U4", "complaint": "Wond lekt.", "source": "hap",
    }, expect=201)
    nurse = nurse_phone(new_page)
    take_offer(server, nurse, call)
    tap_until_answered(nurse, "Ik ben onderweg", "POST", "/status")  # the pull below must read 'en_route'
    expect(nurse.get_by_role("button", name="Ik ben ter plaatse")).to_be_visible()
    wait_all_sent(nurse)

    held, pulls = [], []
    nurse.route("**/api/calls/*/status", lambda route: held.append(route))  # her status waits on the way
    nurse.route("**/api/sync/pull*", lambda route: pulls.append(route))  # and so does every pull
    with nurse.expect_request("**/api/calls/*/status"):
        nurse.get_by_role("button", name="Ik ben ter plaatse").click()
    pulls.clear()  # a pull asked for before her tap stays unanswered (and holds the app's timer)
    # A whole pull (no cursor: the call comes whatever changed since) starts now, as when the app becomes
    # visible; the server answers it: still en route.
    nurse.evaluate(SET_CURSOR, None)
    with nurse.expect_request("**/api/sync/pull*"):
        nurse.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    nurse.evaluate("0")  # (lets the route handlers run)
    stale_route = pulls[0]
    stale = stale_route.fetch()
    assert [c["status"] for c in stale.json()["calls"] if c["id"] == call["id"]] == ["en_route"]
    held[0].continue_()  # her status reaches the server, which takes it
    wait_all_sent(nurse)
    stale_route.fulfill(response=stale)  # and only then the old answer arrives
    nurse.wait_for_function(f"async (cursor) => (await ({READ_CURSOR})()) === cursor", arg=stale.json()["cursor"])
    device = nurse.evaluate(READ_DEVICE)
    assert [c["status"] for c in device["calls"] if c["id"] == call["id"]] == ["on_site"]
    expect(nurse.get_by_role("tab", name="Metingen")).to_be_visible()
    assert server.api("coord").get(f"/api/calls/{call['id']}")["status"] == "on_site"
    server.api("coord").post(f"/api/calls/{call['id']}/cancel", {"reason": "Einde test"})  # she is free again
