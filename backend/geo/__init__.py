"""Addresses: postcode + house number → street, place and coordinates, through one small geocoder interface."""


def init_app(app) -> None:
    """Build the app's geocoder once (the PDOK Locatieserver unless GEOCODER_URL points elsewhere)."""
    from backend.geo.geocoder import PdokGeocoder

    if "geocoder" not in app.extensions:
        app.extensions["geocoder"] = PdokGeocoder(url=app.config["GEOCODER_URL"],
                                                  timeout=app.config["GEOCODER_TIMEOUT_SECONDS"])
