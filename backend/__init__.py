"""Wijkspoed: the app factory."""
from pathlib import Path

from flask import Flask

from backend import api, db, registry, static
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
    static.serve_pwa(app, Path(app.config.get("PWA_DIST", PWA_DIST)))
    return app
