"""The geocoder interface and its production implementation, the PDOK Locatieserver (BAG addresses).

One method: `lookup(postcode=, house_number=)` → an `Address` or None (no such address). A geocoder that
cannot answer in time raises `GeocoderUnavailable`: callers carry on without coordinates, never wait.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import requests

PDOK_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
_HOUSE = re.compile(r"^\s*([1-9][0-9]{0,4})\s*[-/ ]?\s*([A-Za-z0-9]{0,4})\s*$")
_POINT = re.compile(r"POINT\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)")


class GeocoderUnavailable(Exception):
    """The geocoder did not answer (timeout, connection refused, a 5xx or an answer we cannot read)."""


@dataclass(frozen=True)
class Address:
    """A found address: what the triagist's form needs and where it is."""

    street: str
    house_number: str
    postcode: str
    city: str
    lat: float
    lon: float

    @property
    def address(self) -> str:
        return f"{self.street} {self.house_number}"


class Geocoder(Protocol):
    def lookup(self, *, postcode: str, house_number: str) -> Address | None: ...


def split_house_number(value: str) -> tuple[str, str] | None:
    """Return (number, addition) of '12', '12a', '12-2', '12 bis'; None when there is no number."""
    match = _HOUSE.match(value or "")
    if not match:
        return None
    return match.group(1), match.group(2).upper()


def house_number_in(address: str) -> str | None:
    """Return the house number (with addition) at the end of a typed address line ('Brink 12a' → '12a')."""
    match = re.search(r"\s([1-9][0-9]{0,4}(?:\s*[-/]?\s*[A-Za-z0-9]{1,4})?)\s*$", address or "")
    return match.group(1) if match else None


class PdokGeocoder:
    """The Dutch national geocoder (free, BAG-based): https://api.pdok.nl/bzk/locatieserver/search/v3_1."""

    def __init__(self, *, url: str = PDOK_URL, timeout: float = 3.0):
        self.url = url
        self.timeout = timeout

    def lookup(self, *, postcode: str, house_number: str) -> Address | None:
        parts = split_house_number(house_number)
        if parts is None:
            return None
        number, addition = parts
        compact = postcode.replace(" ", "").upper()
        params = {
            "q": f"postcode:{compact} AND huisnummer:{number}",
            "fq": "type:adres",
            "rows": 10,
            "fl": "straatnaam,huisnummer,huis_nlt,postcode,woonplaatsnaam,centroide_ll",
        }
        try:
            response = requests.get(self.url, params=params, timeout=self.timeout)
        except requests.RequestException as exc:
            raise GeocoderUnavailable(str(exc)) from exc
        if response.status_code >= 400:
            raise GeocoderUnavailable(f"HTTP {response.status_code}")
        try:
            docs = response.json()["response"]["docs"]
        except (ValueError, KeyError, TypeError) as exc:
            raise GeocoderUnavailable("unreadable answer") from exc
        docs = [d for d in docs if str(d.get("huisnummer")) == number
                and str(d.get("postcode", "")).replace(" ", "").upper() == compact]
        label = lambda d: str(d.get("huis_nlt") or d.get("huisnummer")).upper().replace("-", "").replace(" ", "")
        if addition:
            docs = [d for d in docs if label(d) == f"{number}{addition}"]
        else:
            docs.sort(key=lambda d: label(d) != number)  # "12" before "12A"
        for doc in docs:
            point = _POINT.match(str(doc.get("centroide_ll", "")))
            if not point:
                continue
            return Address(street=doc.get("straatnaam", ""), house_number=str(doc.get("huis_nlt") or number),
                           postcode=f"{compact[:4]} {compact[4:]}", city=doc.get("woonplaatsnaam", ""),
                           lon=float(point.group(1)), lat=float(point.group(2)))
        return None
