"""The geocoder against a local fake PDOK Locatieserver, the address lookup route, and intake without coordinates."""
from datetime import date

import pytest
from sqlmodel import select

from backend.clients.models import Client
from backend.dispatch import service as dispatch
from backend.geo.geocoder import GeocoderUnavailable, PdokGeocoder, house_number_in
from tests.factories import actor, login, make_call, make_client, make_user
from tests.geo_server import FakeGeocoderServer


@pytest.fixture
def geo(app):
    with FakeGeocoderServer() as server:
        app.extensions["geocoder"] = PdokGeocoder(url=server.url, timeout=3)
        yield server


def test_lookup_finds_address_and_addition(geo):
    geocoder = PdokGeocoder(url=geo.url, timeout=2)
    found = geocoder.lookup(postcode="7411 BR", house_number="12")
    assert (found.address, found.postcode, found.city) == ("Brink 12", "7411 BR", "Deventer")
    assert (found.lat, found.lon) == (52.2525, 6.1590)
    assert geocoder.lookup(postcode="7411 BR", house_number="12a").address == "Brink 12A"
    assert geocoder.lookup(postcode="7411 BR", house_number="13") is None
    assert geocoder.lookup(postcode="7411 BR", house_number="twaalf") is None
    assert "postcode:7411BR" in geo.requests[0]["q"][0]


def test_down_or_hanging_geocoder_is_unavailable(geo):
    geo.mode = "down"
    with pytest.raises(GeocoderUnavailable):
        PdokGeocoder(url=geo.url, timeout=2).lookup(postcode="7411 BR", house_number="12")
    geo.mode = "hang"
    with pytest.raises(GeocoderUnavailable):
        PdokGeocoder(url=geo.url, timeout=0.2).lookup(postcode="7411 BR", house_number="12")


def test_house_number_in_address_line():
    assert house_number_in("Brink 12") == "12"
    assert house_number_in("Lange Nieuwstraat 12a") == "12a"
    assert house_number_in("Plein 1940-45 3 bis") == "3 bis"
    assert house_number_in("Brink") is None


def test_address_route(app, client, session, geo):
    make_user(session, username="hap1", role="hap")
    login(client, "hap1")
    ok = client.get("/api/geo/address?postcode=7411br&house_number=12")
    assert ok.status_code == 200
    assert ok.get_json() == {"street": "Brink", "house_number": "12", "address": "Brink 12", "postcode": "7411 BR",
                             "city": "Deventer", "lat": 52.2525, "lon": 6.159}
    missing = client.get("/api/geo/address?postcode=7411BR&house_number=99")
    assert missing.status_code == 404 and "Adres niet gevonden" in missing.get_json()["message"]
    bad = client.get("/api/geo/address?postcode=12&house_number=x")
    assert bad.status_code == 422
    assert "postcode" in bad.get_json()["message"] and "house_number" in bad.get_json()["message"]
    geo.mode = "down"
    down = client.get("/api/geo/address?postcode=7411BR&house_number=12")
    assert down.status_code == 503 and "vul straat en plaats zelf in" in down.get_json()["message"]


def test_address_route_needs_login(client, geo):
    assert client.get("/api/geo/address?postcode=7411BR&house_number=12").status_code == 401


NEW_CALL = {"team": "acute", "category": "wound_care", "urgency": "U3", "complaint": "Wond lekt door.", "source": "hap"}
NEW_CLIENT = {"name": "Mevrouw B. Jansen", "birth_date": "1938-02-03", "address": "Brink 12", "postcode": "7411 BR",
              "city": "Deventer"}


def _raise(http, csrf, **body):
    return http.post("/api/calls", json={**NEW_CALL, **body}, headers={"X-CSRF-Token": csrf})


def test_intake_without_coordinates_uses_geocoder(app, client, session, geo):
    make_user(session, username="hap1", role="hap")
    csrf = login(client, "hap1")
    r = _raise(client, csrf, client=NEW_CLIENT)
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["client"]["lat"], r.get_json()["client"]["lon"]) == (52.2525, 6.159)
    assert "client_match" not in r.get_json()


@pytest.mark.parametrize("mode", ["down", "hang"])
def test_intake_with_geocoder_down_is_taken_and_ranked_without_eta(app, client, session, geo, mode):
    make_user(session, username="hap1", role="hap")
    make_user(session, username="coord1", role="coordinator")
    make_user(session, name="Noor", skills=[])
    geo.mode = mode
    csrf = login(client, "hap1")
    r = _raise(client, csrf, client=NEW_CLIENT)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["client"]["lat"] is None and r.get_json()["client"]["lon"] is None
    login(client, "coord1")
    [rec] = client.get(f"/api/calls/{r.get_json()['id']}/recommendations").get_json()
    assert rec["eta_minutes"] is None and rec["distance_km"] is None
    assert "adres cliënt niet gevonden: geen reistijd" in rec["reasons"]


def test_refused_intake_names_fields_in_dutch(app, client, session):
    make_user(session, username="hap1", role="hap")
    csrf = login(client, "hap1")
    r = _raise(client, csrf, caller_phone="bel me", client={**NEW_CLIENT, "birth_date": "gisteren"})
    body = r.get_json()
    assert r.status_code == 422
    assert body["message"].startswith("Niet verwerkt — controleer deze velden:")
    assert "caller_phone: Geen geldig telefoonnummer." in body["message"]
    assert "client.birth_date: Geen geldige datum." in body["message"]
    assert body["errors"]["json"]["client"]["birth_date"] == ["Geen geldige datum."]
    assert "The request" not in body["message"]


# -- duplicates --------------------------------------------------------------------------------------

def _clients(session):
    session.commit()
    return session.scalars(select(Client)).all()


def test_same_bsn_and_birth_date_links_to_existing_client(app, client, session):
    existing = make_client(session, name="Mevrouw B. Jansen", birth_date=date(1938, 2, 3), bsn="111222333",
                           created_team=None)
    make_user(session, username="hap1", role="hap")
    csrf = login(client, "hap1")
    r = _raise(client, csrf, client={**NEW_CLIENT, "bsn": "111222333", "lat": 52.25, "lon": 6.16})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["client_id"] == existing.id and r.get_json()["client_match"] == "bsn"
    assert len(_clients(session)) == 1
    other_birth = _raise(client, csrf, client={**NEW_CLIENT, "bsn": "111222333", "birth_date": "1940-01-01",
                                               "lat": 52.25, "lon": 6.16})
    assert other_birth.status_code == 409 and len(_clients(session)) == 1


def test_same_name_birth_date_postcode_is_offered_never_merged(app, client, session):
    existing = make_client(session, name="Mevrouw B.  Jansen", birth_date=date(1938, 2, 3), bsn=None,
                           postcode="7411 BR", created_team=None)
    make_user(session, username="hap1", role="hap")
    csrf = login(client, "hap1")
    fresh = {**NEW_CLIENT, "name": "mevrouw b jansen", "lat": 52.25, "lon": 6.16}
    offered = _raise(client, csrf, client=fresh)
    assert offered.status_code == 409
    assert [m["id"] for m in offered.get_json()["matches"]] == [existing.id]
    assert len(_clients(session)) == 1  # nothing made
    wrong = _raise(client, csrf, client={**fresh, "postcode": "7412 AT"}, match_client_id=existing.id)
    assert wrong.status_code == 422
    confirmed = _raise(client, csrf, client=fresh, match_client_id=existing.id)
    assert confirmed.status_code == 201, confirmed.get_json()
    assert confirmed.get_json()["client_id"] == existing.id and confirmed.get_json()["client_match"] == "confirmed"
    someone_else = _raise(client, csrf, client=fresh, new_client_confirmed=True)
    assert someone_else.status_code == 201 and someone_else.get_json()["client_id"] != existing.id
    assert len(_clients(session)) == 2


def test_nurse_at_the_door_places_a_client_whose_address_was_not_found(app, client, session, geo):
    nurse = make_user(session, username="noor", role="nurse")
    make_user(session, username="anna", role="nurse")
    lost = make_client(session, lat=None, lon=None)
    call = make_call(session, client=lost, by=make_user(session, role="coordinator"))
    session.commit()
    csrf = login(client, "anna")
    refused = client.post(f"/api/clients/{lost.id}/position", json={"lat": 52.25, "lon": 6.16},
                          headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 403
    dispatch.offer_call(session, actor=actor(make_user(session, role="coordinator")), call_id=call.id,
                        nurse_id=nurse.id, now=call.created_at)
    dispatch.accept_call(session, actor=actor(nurse), call_id=call.id, now=call.created_at)
    csrf = login(client, "noor")
    placed = client.post(f"/api/clients/{lost.id}/position", json={"lat": 52.25, "lon": 6.16},
                         headers={"X-CSRF-Token": csrf})
    assert placed.status_code == 200 and (placed.get_json()["lat"], placed.get_json()["lon"]) == (52.25, 6.16)
    again = client.post(f"/api/clients/{lost.id}/position", json={"lat": 52.0, "lon": 6.0},
                        headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409
