"""Find an address for the triagist, and place a new client on the map without ever blocking an intake."""
import logging

import sqlalchemy as sa

from backend import errors
from backend.db import get_or_404
from backend.audit import service as audit
from backend.clients.models import Client
from backend.dispatch.models import Call
from backend.vocab import HELD_STATUSES
from backend.clients.validation import normalise_postcode
from backend.geo.geocoder import Address, Geocoder, GeocoderUnavailable, house_number_in

log = logging.getLogger(__name__)

NOT_FOUND = "Adres niet gevonden: controleer postcode en huisnummer, of vul straat en plaats zelf in."


class GeocoderDown(errors.DomainError, status=503):
    """The geocoder gave no answer in time: the form asks for street and place instead."""


def find_address(*, geocoder: Geocoder, postcode: str, house_number: str) -> Address:
    """Return the address at postcode + house number; 404 when there is none, 503 when the geocoder is down."""
    normal = normalise_postcode(postcode)
    if normal is None:
        raise errors.Unprocessable("Geen Nederlandse postcode (zoals 1234 AB).",
                                   errors={"postcode": ["Geen Nederlandse postcode (zoals 1234 AB)."]})
    try:
        found = geocoder.lookup(postcode=normal, house_number=house_number)
    except GeocoderUnavailable as exc:
        log.warning("geocoder unavailable: %s", exc)
        raise GeocoderDown("Adressen opzoeken lukt nu niet: vul straat en plaats zelf in. De oproep kan gewoon "
                           "verstuurd worden.") from exc
    if found is None:
        raise errors.NotFound(NOT_FOUND, errors={"house_number": ["Geen adres met dit huisnummer."]})
    return found


def locate(*, geocoder: Geocoder | None, client: dict) -> dict:
    """Return a new client's data with coordinates: as given, else from postcode + the address's house number.

    Without an answer (no such address, geocoder down or slow) the coordinates stay empty: the call is still
    taken, shown as "adres niet gevonden" and ranked without a travel time.
    """
    if client.get("lat") is not None and client.get("lon") is not None:
        return client
    located = {**client, "lat": None, "lon": None}
    number = house_number_in(client.get("address", ""))
    if geocoder is None or number is None:
        return located
    try:
        found = geocoder.lookup(postcode=client["postcode"], house_number=number)
    except GeocoderUnavailable as exc:
        log.warning("geocoder unavailable at intake: %s", exc)
        return located
    if found is not None:
        located.update(lat=found.lat, lon=found.lon)
    return located


def place_client(session, *, actor, client_id: int, lat: float, lon: float, now):
    """Fix a client's missing coordinates from the phone of the nurse at her door (with the nurse's consent).

    Only the nurse holding a running call for the client, and only while the address was not found: a found
    address is never moved by a phone's position.
    """
    client = get_or_404(session, Client, client_id, f"Cliënt {client_id} bestaat niet.")
    holds = session.scalar(sa.select(Call.id).where(Call.client_id == client_id, Call.nurse_id == actor.user_id,
                                                    Call.status.in_(HELD_STATUSES)).limit(1))
    if holds is None:
        audit.record_denied(session, actor=actor, action="client.position", client_id=client_id, now=now,
                            data="adres (plek op de kaart)")
        raise errors.Forbidden("Alleen de verpleegkundige met een lopende oproep bij deze cliënt kan haar plek "
                               "vastleggen.")
    if client.lat is not None and client.lon is not None:
        raise errors.Conflict("Het adres van deze cliënt staat al op de kaart.")
    client.lat, client.lon, client.updated_at = lat, lon, now
    audit.record(session, actor=actor, action="client.position", client_id=client_id, now=now,
                 data="adres (plek op de kaart)", detail={"source": "telefoon verpleegkundige"})
    session.commit()
    return client
