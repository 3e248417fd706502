"""Serving the built PWA (pwa/dist): WhiteNoise in front of Flask for the files, Flask for the app shell.

WhiteNoise answers every file it found in dist at start-up, before Flask: gzip or brotli when the build left
a `.gz`/`.br` beside the file (pwa/vite.config.js writes both) and the browser accepts it, ETag and
Last-Modified for 304s. Hashed files under /assets/ are cached for a year, `immutable`; everything else
(`index.html`, `sw.js`, `workbox-*.js`, the manifest, icons) is `no-cache`, so a new release is seen on the
next load. Any other page path (`/board`, `/`) is the app shell, from Flask, `no-cache`.
"""
from pathlib import Path

from flask import Flask, abort, send_from_directory
from whitenoise import WhiteNoise

PWA_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data: blob: https://tile.openstreetmap.org; "
           "connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; "
           "base-uri 'self'; form-action 'self'")
HASHED_PREFIX = "/assets/"
# The headers every answer of the API gets too (backend/api.py `_security_headers`), for the files.
FILE_HEADERS = {
    "Content-Security-Policy": PWA_CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}


def _immutable(path: str, url: str) -> bool:
    """Vite's hashed output (`/assets/index-C4zsNDVk.js`): its name changes with its content."""
    return url.startswith(HASHED_PREFIX)


def _file_headers(headers, path: str, url: str) -> None:
    for name, value in FILE_HEADERS.items():
        headers[name] = value
    if not url.startswith(HASHED_PREFIX):
        headers["Cache-Control"] = "no-cache"
    if url == "/sw.js":
        headers["Service-Worker-Allowed"] = "/"


def serve_pwa(app: Flask, dist: Path) -> None:
    """Serve the built PWA at /: files through WhiteNoise, any other page path as the app shell."""
    if dist.is_dir():
        app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(dist), prefix="/", max_age=0, allow_all_origins=False,
                                  immutable_file_test=_immutable, add_headers_function=_file_headers)

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def pwa(path: str):
        if path.startswith("api/"):
            abort(404)
        if not (dist / "index.html").is_file():
            response = app.response_class("Wijkspoed: de app is nog niet gebouwd (make run bouwt pwa/).", 503,
                                          {"Content-Type": "text/plain; charset=utf-8"})
        else:
            response = send_from_directory(dist, "index.html")
            response.headers["Cache-Control"] = "no-cache"
        response.headers["Content-Security-Policy"] = PWA_CSP
        response.headers["X-Frame-Options"] = "DENY"
        return response
