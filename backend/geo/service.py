"""Find an address for the triagist, and place a new client on the map without ever blocking an intake."""
import logging

from backend import errors
from backend.clients.validation import normalise_postcode
from backend.geo.geocoder import Address, Geocoder, GeocoderUnavailable, house_number_in

log = logging.getLogger(__name__)

NOT_FOUND = "Adres niet gevonden: controleer postcode en huisnummer, of vul straat en plaats zelf in."


class GeocoderDown(errors.DomainError):
    """The geocoder gave no answer in time: the form asks for street and place instead."""

    status_code = 503


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
