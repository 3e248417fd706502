"""Hooks of every request: its id, the input guard, the body limit, and the security headers of the answer."""
import uuid

from flask import abort, current_app, g, request

from backend import boundary, errors


def assign_request_id():
    """Make the request id on the server; keep what a client sent only as `client_request_id`."""
    g.request_id = str(uuid.uuid4())
    incoming = request.headers.get("X-Request-ID", "")
    g.client_request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else None


def input_guard():
    """Refuse, before any view runs, what no field accepts: see `backend.boundary` (path, query, form, JSON)."""
    boundary.check(request.path, "path")
    boundary.check(list(request.args.items(multi=True)), "query")
    if request.mimetype == "application/x-www-form-urlencoded" or request.mimetype == "multipart/form-data":
        boundary.check(list(request.form.items(multi=True)), "form")
        return
    if not request.is_json or not request.content_length:
        return
    raw = request.get_data(cache=True)
    if boundary.json_depth_exceeds(raw):
        raise errors.DomainError(f"JSON is dieper genest dan {boundary.MAX_JSON_DEPTH} niveaus.")
    body = request.get_json(silent=True)
    boundary.check(body, "json")


def body_limit():
    """Refuse a body over MAX_CONTENT_LENGTH on every route (Flask enforces it only when a view reads the body)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        abort(413)


API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI runs the bundle from /api/docs/static and one inline initialiser; it may never be framed.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
HSTS = "max-age=63072000; includeSubDomains"


def security_headers(response):
    """Headers of every answer: request id, HSTS, no sniffing or framing, a CSP for the API and its docs."""
    response.headers["X-Request-ID"] = g.get("request_id", "")
    response.headers.setdefault("Strict-Transport-Security", HSTS)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
        docs = request.path.startswith("/api/docs")
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else API_CSP)
    return response
