"""The built PWA is served compressed, hashed files cached for good, the shell and service worker never stale."""
import gzip

import pytest

from backend import create_app

SCRIPT = b"console.log('wijkspoed');\n" * 200


@pytest.fixture
def dist_client(tmp_path, database_url):
    """An app serving a small dist laid out as `npm run build` leaves it (with .gz/.br beside the files)."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><script type="module" src="/assets/index-AbC123.js"></script>')
    (tmp_path / "sw.js").write_bytes(SCRIPT)
    (tmp_path / "sw.js.gz").write_bytes(gzip.compress(SCRIPT))
    (tmp_path / "assets" / "index-AbC123.js").write_bytes(SCRIPT)
    (tmp_path / "assets" / "index-AbC123.js.gz").write_bytes(gzip.compress(SCRIPT))
    (tmp_path / "assets" / "index-AbC123.js.br").write_bytes(b"brotli bytes")  # served as they are
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "t", "PWA_DIST": str(tmp_path)})
    yield app.test_client()
    app.extensions["db_engine"].dispose()


def test_hashed_files_are_compressed_and_immutable(dist_client):
    response = dist_client.get("/assets/index-AbC123.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br" and response.data == b"brotli bytes"
    assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "Accept-Encoding" in response.headers["Vary"]
    response = dist_client.get("/assets/index-AbC123.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip" and gzip.decompress(response.data) == SCRIPT
    response = dist_client.get("/assets/index-AbC123.js")
    assert "Content-Encoding" not in response.headers and response.data == SCRIPT
    assert response.headers["X-Frame-Options"] == "DENY" and "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert dist_client.get("/assets/index-AbC123.js", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_shell_and_service_worker_are_no_cache(dist_client):
    sw = dist_client.get("/sw.js", headers={"Accept-Encoding": "gzip"})
    assert sw.headers["Cache-Control"] == "no-cache" and sw.headers["Service-Worker-Allowed"] == "/"
    assert sw.headers["Content-Encoding"] == "gzip"
    for path in ("/", "/index.html", "/board"):
        page = dist_client.get(path)
        assert page.status_code == 200 and b"index-AbC123.js" in page.data
        assert page.headers["Cache-Control"] == "no-cache", path
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_the_api_is_not_a_file(dist_client):
    assert dist_client.get("/api/nope").status_code == 404
