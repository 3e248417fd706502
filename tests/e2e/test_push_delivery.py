"""An offer pushed by the server is shown by the service worker, which reports it; the board says so."""
import json

from playwright.sync_api import expect

from tests.e2e.helpers import PHONE, login
from tests.push_receiver import PushReceiver


def registration_id(cdp) -> str:
    """The service worker registration of the page's origin, from Chromium's DevTools protocol."""
    found = {}
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda e: found.update({r["registrationId"]: r for r in e["registrations"] if not r["isDeleted"]}))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if found:
            return next(iter(found))
        cdp.send("Runtime.evaluate", {"expression": "1"})  # let the events arrive
    raise AssertionError("no service worker registration")


def test_offer_push_is_shown_and_reported_to_the_board(server, new_page):
    server.require("/api/me/status", "/api/push/subscriptions", "/api/sync/pull")
    with PushReceiver() as receiver:
        nurse_api, coord_api, hap_api = server.api("nurse"), server.api("coord"), server.api("hap")
        nurse_api.post("/api/push/subscriptions", receiver.subscription(), expect=201)
        nurse = new_page(viewport=PHONE, permissions=["notifications"], color_scheme="dark")
        login(nurse, "nurse")
        nurse.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        if nurse.get_by_test_id("availability").inner_text() != "Beschikbaar":
            nurse.get_by_role("button", name="Ik ben beschikbaar").click()
        expect(nurse.get_by_test_id("availability")).to_have_text("Beschikbaar")

        call = hap_api.post("/api/calls", {
            "client": {"name": "Mevrouw C. Bakker", "birth_date": "1931-07-08", "address": "Neude 5", "postcode": "3512 AD",
                       "city": "Utrecht", "lat": 52.092, "lon": 5.119},
            "team": "acute", "category": "palliative", "urgency": "U3", "complaint": "Onrustig, pijn ondanks morfinepomp.",
            "source": "hap",
        }, expect=201)
        board = new_page()
        login(board, "coord")
        coord_api.post(f"/api/calls/{call['id']}/offer", {"nurse_id": nurse_api.user["id"]})
        row = board.locator(f"tr[data-call='{call['id']}']")
        # The board sees the offer on its next poll (every 4 s), plus the request's time on a busy machine.
        expect(row.get_by_test_id("delivery")).to_have_text("Nog geen ontvangstbevestiging", timeout=15_000)

        # The server's push arrives at "the push service"; the push service hands it to the phone's worker.
        message = receiver.wait_for_payload(lambda m: m.get("type") == "offer" and m.get("call_id") == call["id"])
        cdp = nurse.context.new_cdp_session(nurse)
        cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": server.base, "registrationId": registration_id(cdp), "data": json.dumps(message),
        })

        expect(row.get_by_test_id("delivery")).to_have_text("Afgeleverd op telefoon", timeout=15_000)
        events = [e["type"] for e in coord_api.get(f"/api/calls/{call['id']}/events")]
        assert events.count("offer_shown") == 1
        expect(nurse.get_by_test_id("offer")).to_be_visible(timeout=15_000)
        nurse.get_by_test_id("offer").get_by_role("button", name="Weigeren").click()
        expect(nurse.get_by_test_id("offer")).to_have_count(0)
        assert not nurse.errors and not board.errors
