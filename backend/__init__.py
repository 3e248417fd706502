"""Wijkspoed: the app factory."""
from pathlib import Path

from flask import Flask, abort, send_from_directory

from backend import api, db, registry
from backend.config import ROOT, load_config
from backend.timeutil import SystemClock

PWA_DIST = ROOT / "pwa" / "dist"


def create_app(config: dict | None = None) -> Flask:
    """Create the app: config, database, API with every domain's routes, the PWA."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"), static_folder=None)
    app.config.update(load_config())
    app.config.update(config or {})
    app.extensions["clock"] = app.config.pop("CLOCK", None) or SystemClock()
    db.init_app(app)
    registry.import_models()
    registry.init_extensions(app)
    smorest = api.init_app(app)
    for routes in registry.domain_modules("routes"):
        smorest.register_blueprint(routes.blp)
    from backend import cli

    cli.init_app(app)
    _serve_pwa(app, Path(app.config.get("PWA_DIST", PWA_DIST)))
    return app


PWA_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https://tile.openstreetmap.org; "
           "connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; "
           "base-uri 'self'; form-action 'self'")


def _serve_pwa(app: Flask, dist: Path) -> None:
    """Serve the built PWA at /: files as they are, any other page path as the app shell."""

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def pwa(path: str):
        response = _pwa_file(path)
        response.headers["Content-Security-Policy"] = PWA_CSP
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def _pwa_file(path: str):
        if path.startswith("api/"):
            abort(404)
        if path and (dist / path).is_file():
            response = send_from_directory(dist, path)
            if path in ("sw.js", "manifest.webmanifest") or path.startswith("workbox-"):
                response.headers["Cache-Control"] = "no-cache"
                response.headers["Service-Worker-Allowed"] = "/"
            elif path.startswith("assets/"):
                response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            return response
        if not (dist / "index.html").is_file():
            return app.response_class("Wijkspoed: de app is nog niet gebouwd (make run bouwt pwa/).", 503,
                                      {"Content-Type": "text/plain; charset=utf-8"})
        response = send_from_directory(dist, "index.html")
        response.headers["Cache-Control"] = "no-cache"
        return response
