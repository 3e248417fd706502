"""Every screen of issue 15 at 390×844 and 1280×900: a screenshot each (test-artifacts/screenshots/screen-*), no
sideways scroll, no script error. docs/pwa.md "What a nurse sees" shows these."""
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, PHONE, login, screenshot
from tests.e2e.test_night_ux import NO_SIDEWAYS, WIDE, accepted_call, clean  # noqa: F401 (fixture)

SIZES = [pytest.param(WIDE, id="1280x900"), pytest.param(PHONE, id="390x844")]


def shot(page, name, viewport):
    assert page.evaluate(NO_SIDEWAYS), f"{name} scrolls sideways at {viewport['width']} px"
    screenshot(page, f"screen-{name}-{viewport['width']}")


@pytest.mark.parametrize("viewport", SIZES)
def test_every_screen_at_both_sizes(server, new_page, clean, viewport):  # noqa: F811
    w = viewport["width"]
    lead = f"screenlead{w}"
    server.api("admin").post("/api/users", {"username": lead, "role": "team_lead", "name": "Teamleider Tess",
                                            "team": "acute", "password": PASSWORD}, expect=201)
    accepted_call(server, name=f"Mevrouw S. Scherm {w}")

    page = new_page(viewport=viewport)
    page.goto("/")
    expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
    shot(page, "login", viewport)

    hap = new_page(viewport=viewport)
    login(hap, "hap")
    expect(hap.get_by_test_id("hap-calls")).to_contain_text(f"Mevrouw S. Scherm {w}")
    shot(hap, "hap", viewport)

    board = new_page(viewport=viewport)
    login(board, "coord")
    expect(board.get_by_test_id("nurses")).to_contain_text("Verpleegkundige Noor")
    shot(board, "board", viewport)

    roster = new_page(viewport=viewport)
    login(roster, lead)
    expect(roster.get_by_test_id("roster-grid")).to_be_visible()
    shot(roster, "roster", viewport)

    nurse = new_page(viewport=viewport, permissions=["notifications"], color_scheme="dark")
    login(nurse, "nurse")
    expect(nurse.get_by_test_id("call-status")).to_have_text("Geaccepteerd", timeout=15_000)
    shot(nurse, "nurse-call", viewport)
    nurse.get_by_role("button", name="Ik ben onderweg").click()
    nurse.get_by_role("button", name="Ik ben ter plaatse").click()
    for tab in ("Metingen", "Verslag", "Overdracht", "Afronden"):
        nurse.get_by_role("tab", name=tab).click()
        shot(nurse, f"nurse-{tab.lower()}", viewport)
    for p in (page, hap, board, roster, nurse):
        assert not p.errors, p.errors
