"""The plain-Dutch pages behind the links: no account, no JavaScript, nothing leaks through Referer."""
from tests.visits.conftest import As, open_visit


def test_handover_page_shows_the_handover_escaped_and_confirms_receipt(client, session, nurse, call):
    api = As(client, nurse)
    visit = open_visit(api, call)
    handover = api.post("/api/handovers", json={
        "visit_id": visit["id"], "recipient_type": "temporary_stay", "recipient_name": "ELV De Linde",
        "situation": "<script>alert(1)</script> Gevallen.", "background": "B", "assessment": "A",
        "recommendation": "R"}).get_json()
    client.post("/api/auth/logout", headers={"X-CSRF-Token": api.csrf})
    path = f"/overdracht/{handover['share_token']}"
    page = client.get(path)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Gevallen." in html and "<script>" not in html
    assert "Ontvangst bevestigen" in html
    assert client.post(f"{path}/bevestigen", data={"name": ""}).status_code == 422
    confirmed = client.post(f"{path}/bevestigen", data={"name": "Zr. Pieters"})
    assert confirmed.status_code == 303
    assert "Ontvangst bevestigd door Zr. Pieters" in client.get(path).get_data(as_text=True)


def test_dossier_page_lists_wishes_and_who_looked(client, session, nurse, call):
    api = As(client, nurse)
    api.put(f"/api/clients/{call.client_id}/wishes", json={"resuscitation": "no"})
    link = api.post(f"/api/clients/{call.client_id}/portal-links", json={"recipient_name": "Dochter Els"}).get_json()
    page = client.get(f"/portaal/{link['token']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Niet reanimeren" in html and "Wie heeft uw dossier bekeken" in html and "Dochter Els" in html
    assert "heeft uw wensen vastgelegd" in html


def test_pages_behind_a_wrong_token_say_so(client):
    assert client.get("/portaal/fout").status_code == 404
    assert client.get("/overdracht/fout").status_code == 404
    assert client.post("/overdracht/fout/bevestigen", data={"name": "X"}).status_code == 404
