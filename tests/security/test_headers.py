"""Finding 14 (issue 12): HSTS everywhere, a CSP with frame-ancestors on API JSON and on the docs page."""
import pytest


@pytest.mark.parametrize("path", ["/api/openapi.json", "/api/auth/me", "/api/docs", "/overdracht/onbekend", "/api/teams"])
def test_security_headers(client, path):
    response = client.get(path)
    assert "max-age=" in response.headers.get("Strict-Transport-Security", "")
    assert response.headers.get("X-Frame-Options") == "DENY"
    if path.startswith("/api/"):
        assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", "")
