"""A local stand-in for the PDOK Locatieserver: answers `free` searches from a small table of addresses.

    with FakeGeocoderServer() as geo:
        geo.url                 # point GEOCODER_URL (or PdokGeocoder(url=...)) here
        geo.mode = "down"       # 503 on every search; "hang": never answers (until the server stops)
        geo.requests            # the query strings received
"""
from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# (postcode, huisnummer, huis_nlt, straat, woonplaats, lon, lat) — real Deventer/Utrecht streets, made-up use.
ADDRESSES = [
    ("7411BR", 12, "12", "Brink", "Deventer", 6.1590, 52.2525),
    ("7411BR", 12, "12A", "Brink", "Deventer", 6.1591, 52.2526),
    ("3512PH", 12, "12", "Lange Nieuwstraat", "Utrecht", 5.1214, 52.0880),
    ("7412AT", 230, "230", "Zwolseweg", "Deventer", 6.1580, 52.2720),
]


class FakeGeocoderServer:
    def __init__(self):
        self.mode = "ok"
        self.requests: list[dict] = []
        self._release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                query = parse_qs(urlparse(self.path).query)
                outer.requests.append(query)
                if outer.mode == "hang":
                    outer._release.wait(30)
                    return
                if outer.mode == "down":
                    self.send_response(503)
                    self.end_headers()
                    return
                q = query.get("q", [""])[0]
                postcode = re.search(r"postcode:(\w+)", q)
                number = re.search(r"huisnummer:(\d+)", q)
                docs = [
                    {"straatnaam": street, "huisnummer": nr, "huis_nlt": nlt, "postcode": pc,
                     "woonplaatsnaam": city, "centroide_ll": f"POINT({lon} {lat})", "type": "adres"}
                    for pc, nr, nlt, street, city, lon, lat in ADDRESSES
                    if postcode and number and pc == postcode.group(1) and nr == int(number.group(1))
                ]
                body = json.dumps({"response": {"numFound": len(docs), "start": 0, "docs": docs}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}/bzk/locatieserver/search/v3_1/free"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._release.set()
        self._server.shutdown()
        self._server.server_close()


if __name__ == "__main__":  # for e2e runs by hand: python -m tests.geo_server
    import time

    with FakeGeocoderServer() as server:
        print(server.url, flush=True)
        while True:
            time.sleep(3600)


class NoAddresses:
    """The geocoder of tests that don't look addresses up: it knows no address (the intake still works)."""

    def lookup(self, *, postcode: str, house_number: str):
        return None
