"""flask-smorest customisation: Api, Blueprint, authentication, errors. The only place for these."""
import hmac
import uuid
from functools import wraps
from http import HTTPStatus

import flask_smorest
import marshmallow as ma
import swagger_ui_bundle
from flask import Response, abort, current_app, g, request, send_from_directory, session
from flask_smorest.utils import resolve_schema_instance
from marshmallow import validate
from marshmallow_sqlalchemy import ModelConverter, SQLAlchemyAutoSchema, SQLAlchemyAutoSchemaOpts
from sqlalchemy import exc as sa_exc
from sqlalchemy.exc import IntegrityError
from webargs.flaskparser import FlaskParser
from werkzeug.routing import IntegerConverter

from backend import boundary, errors, idempotency, vocab
from backend.audit import service as audit
from backend.db import UNAVAILABLE_ERRORS, UTCDateTime, close_quietly, get_session, is_unavailable
from backend.identity import credentials
from backend.identity.actor import Actor
from backend.openapi_links import LinksPlugin

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def current_actor() -> Actor:
    """Return the authenticated actor of this request."""
    return g.actor


def get_clock():
    """Return the app's clock (a FixedClock in tests)."""
    return current_app.extensions["clock"]


def request_meta() -> dict:
    """Return the request id and access point, for audit events of anonymous access."""
    return {
        "request_id": g.get("request_id") or str(uuid.uuid4()),
        "client_request_id": g.get("client_request_id"),
        "ip": request.remote_addr,
        "user_agent": (request.user_agent.string or "")[:255] or None,
    }


def _authenticate():
    """Find the user behind the bearer token or the session cookie, or raise Unauthorized."""
    db = get_session()
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise errors.Unauthorized("Ongeldige Authorization-header: gebruik 'Bearer <token>'.")
        found = credentials.user_for_token(db, token=token.strip(), now=get_clock().now())
        if found is None:
            raise errors.Unauthorized("Onbekend of ingetrokken token.")
        return found
    secret = session.get("sid")
    if not secret:
        raise errors.Unauthorized("Niet ingelogd.")
    login = credentials.login_session_for(db, secret=secret, now=get_clock().now())
    if login is None:
        raise errors.Unauthorized("Sessie verlopen; log opnieuw in.")
    user, login_session = login
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("X-CSRF-Token", "")
        if not hmac.compare_digest(sent.encode(), login_session.csrf_token.encode()):
            raise errors.Forbidden("CSRF-token ontbreekt of klopt niet (header X-CSRF-Token).")
    g.login_session = login_session
    return user, None


def authenticate_actor() -> Actor:
    """Authenticate the request and remember the actor on `g`."""
    user, token_label = _authenticate()
    meta = request_meta()
    g.actor = Actor.of(user, request_id=meta["request_id"], token_label=token_label, ip=meta["ip"],
                       user_agent=meta["user_agent"], client_request_id=meta["client_request_id"])
    return g.actor


class IdConverter(IntegerConverter):
    """`<int:…>` in a path is a database id: at most `vocab.MAX_ID`, so a bigger number is a 404, not a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=vocab.MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


# A database id in a body or query.
ID = validate.Range(min=1, max=vocab.MAX_ID)


class _ModelConverter(ModelConverter):
    """Map our aware-UTC column type to `AwareDateTime`, so no schema re-declares its datetimes."""

    SQLA_TYPE_MAPPING = {**ModelConverter.SQLA_TYPE_MAPPING, UTCDateTime: ma.fields.AwareDateTime}


class AutoSchemaOpts(SQLAlchemyAutoSchemaOpts):
    """Defaults of every `AutoSchema`: our converter, foreign keys included."""

    def __init__(self, meta, *args, **kwargs):
        if not hasattr(meta, "model_converter"):
            meta.model_converter = _ModelConverter
        if not hasattr(meta, "include_fk"):
            meta.include_fk = True
        super().__init__(meta, *args, **kwargs)


class AutoSchema(SQLAlchemyAutoSchema):
    """The base of every response schema built from a table (`class Meta: model = …`)."""

    OPTIONS_CLASS = AutoSchemaOpts


class Parser(FlaskParser):
    """webargs' parser with the boundary guard on what it loaded: the dates, texts and integers of every field."""

    def parse(self, *args, **kwargs):
        parsed = super().parse(*args, **kwargs)
        boundary.check(parsed, kwargs.get("location") or "arguments")
        return parsed


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint whose `auth` decorator authenticates, authorises and documents both."""

    ARGUMENTS_PARSER = Parser()

    def auth(self, *roles: str):
        """Require a logged-in user (session + CSRF, or bearer token) with one of `roles` (any if none)."""

        def decorator(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                actor = authenticate_actor()
                if roles and actor.role not in roles:
                    raise errors.Forbidden(f"Deze actie is niet toegestaan voor de rol '{actor.role}'.")
                return func(*args, **kwargs)

            wrapper = self.alt_response(401, description="Not authenticated")(wrapper)
            wrapper = self.alt_response(403, description="Role, team or CSRF token not allowed")(wrapper)
            doc = {"security": [{"session": []}, {"bearer": []}]}
            if roles:
                doc["description"] = "Roles: " + ", ".join(roles)
            return self.doc(**doc)(wrapper)

        return decorator

    def response(self, status_code, schema=None, *, content_type=None, **kwargs):
        """flask-smorest's `response`, plus: the answer goes out as `content_type` (e.g. application/fhir+json),
        and a 409's `current` (the server's copy, a model or dataclass) is dumped with this same schema."""
        decorator = super().response(status_code, schema, content_type=content_type, **kwargs)
        dump = resolve_schema_instance(schema) if schema is not None else None

        def with_our_rules(func):
            @wraps(func)
            def answer(*args, **kwargs):
                try:
                    return func(*args, **kwargs)
                except errors.Conflict as error:
                    if dump is not None and "current" in error.extra:
                        error.extra["current"] = dump.dump(error.extra["current"])
                    raise

            wrapped = decorator(answer)
            if content_type is None:
                return wrapped

            @wraps(wrapped)
            def typed(*args, **kwargs):
                result = wrapped(*args, **kwargs)
                result.mimetype = content_type
                return result

            return typed

        return with_our_rules

    def idempotent(self, *, required: bool, client_of=None, secret_fields: tuple = (), restore=None):
        """Answer a replayed write (same user and `Idempotency-Key`) with the answer stored the first time.

        Place it under `@blp.arguments` and above `@blp.response`: a new write runs the view (its service
        writes and flushes, never commits), the answer dumped by the endpoint's own schema is stored, and the
        write and its answer are committed at once — one commit per write. A replay gets the stored status and
        body, audited as `write.replay` for the client `client_of(session, body)` names (default: the body's
        `client_id`); the same key with another request is a 422; a missing key is a 400 when `required`.
        When a concurrent replay wins the race (IntegrityError or Conflict), its stored answer is ours too.
        `secret_fields` (e.g. a share token) are never stored; a replay gets them from `restore(session, body)`.
        """

        def decorator(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                key = request.headers.get(IDEMPOTENCY_HEADER)
                if key is None and required:
                    raise errors.DomainError(f"De header {IDEMPOTENCY_HEADER} ontbreekt: elke schrijfactie van "
                                             "de telefoon draagt er een.")
                actor, db, now = current_actor(), get_session(), get_clock().now()
                claim = idempotency.make_claim(user_id=actor.user_id, key=key, method=request.method,
                                               path=request.path, body=request.get_json(silent=True))
                stored = idempotency.stored_answer(db, claim=claim) if claim else None
                if stored is not None:
                    client_id = (client_of or _client_in)(db, stored.response_body)
                    audit.record(db, actor=actor, action="write.replay", client_id=client_id, now=now,
                                 data="herhaald verzoek", detail={"idempotency_key": claim.key})
                    db.commit()
                    return _stored_response(stored, db, restore)
                try:
                    response = func(*args, **kwargs)
                    if claim is not None:
                        body = response.get_json()
                        if secret_fields and isinstance(body, dict):
                            body = {key: value for key, value in body.items() if key not in secret_fields}
                        idempotency.store_answer(db, claim=claim, status_code=response.status_code, body=body,
                                                 now=now)
                    db.commit()
                except (IntegrityError, errors.Conflict):
                    db.rollback()
                    stored = idempotency.stored_answer(db, claim=claim) if claim else None
                    if stored is None:
                        raise
                    return _stored_response(stored, db, restore)
                return response

            wrapper = self.alt_response(400, description=f"{IDEMPOTENCY_HEADER} missing or malformed")(wrapper)
            header = {"in": "header", "name": IDEMPOTENCY_HEADER, "required": required,
                      "schema": {"type": "string", "minLength": 1, "maxLength": idempotency.MAX_KEY_LENGTH},
                      "description": "One key per write; a replay with the same key gets the first answer"}
            return self.doc(parameters=[header])(wrapper)

        return decorator


IDEMPOTENCY_HEADER = "Idempotency-Key"


def _client_in(session, body: dict) -> int | None:
    return body.get("client_id")


def _stored_response(stored: idempotency.IdempotencyKey, db=None, restore=None) -> Response:
    body = stored.response_body if restore is None else restore(db, dict(stored.response_body))
    response = current_app.json.response(body)
    response.status_code = stored.status_code
    return response


class Api(flask_smorest.Api):
    """The Api: every error, domain or HTTP, leaves in one JSON shape."""

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(errors.DomainError, self.handle_domain_error)
        self._app.register_error_handler(IntegrityError, self.handle_integrity_error)

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        if code == 422 and payload.get("errors"):
            payload["errors"] = _dutch_errors(payload["errors"])
            payload["message"] = invalid_fields_message(payload["errors"])
        payload.setdefault("message", error.description or error.name)
        return payload, code, headers

    def handle_domain_error(self, error: errors.DomainError):
        _rollback()
        _audit_refusal(error.status_code)
        payload = {
            "code": error.status_code,
            "status": HTTPStatus(error.status_code).phrase,
            "message": error.message,
        }
        if error.errors:
            payload["errors"] = error.errors
        payload.update(error.extra)
        return payload, error.status_code

    def handle_integrity_error(self, error: IntegrityError):
        _rollback()
        return {
            "code": 409,
            "status": "Conflict",
            "message": "De gegevens botsen met wat al is opgeslagen (dubbele of ontbrekende verwijzing).",
        }, 409


# marshmallow's stock messages, as a user reads them (our own validators already speak Dutch).
_STOCK_MESSAGES = {
    "Missing data for required field.": "Verplicht veld.",
    "Field may not be null.": "Mag niet leeg zijn.",
    "Unknown field.": "Onbekend veld.",
    "Not a valid date.": "Geen geldige datum.",
    "Not a valid datetime.": "Geen geldig tijdstip.",
    "Not a valid integer.": "Geen geheel getal.",
    "Not a valid number.": "Geen getal.",
    "Not a valid boolean.": "Geen ja/nee-waarde.",
    "Not a valid string.": "Geen tekst.",
    "Not a valid list.": "Geen lijst.",
    "Not a valid mapping type.": "Geen object.",
    "Invalid input type.": "Verkeerd soort waarde.",
    "Invalid value.": "Ongeldige waarde.",
    "Not a valid UUID.": "Geen geldige UUID.",
    "Not a valid email address.": "Geen geldig e-mailadres.",
    "Not a valid time.": "Geen geldige tijd.",
    "Not a valid aware datetime.": "Tijdstip zonder tijdzone.",
    "String does not match expected pattern.": "Heeft niet de juiste vorm.",
}


def _dutch_message(text):
    if not isinstance(text, str):
        return text
    if text.startswith("Must be one of:"):
        return "Kies een van de toegestane waarden: " + text.removeprefix("Must be one of:").strip()
    if text.startswith(("Must be greater", "Must be less", "Must be at least", "Must be at most")):
        return "Buiten het toegestane bereik."
    if text.startswith(("Shorter than", "Longer than", "Length must")):
        return "Te kort of te lang."
    return _STOCK_MESSAGES.get(text, text)


def _dutch_errors(errors_):
    if isinstance(errors_, dict):
        return {k: _dutch_errors(v) for k, v in errors_.items()}
    if isinstance(errors_, list):
        return [_dutch_errors(v) for v in errors_]
    return _dutch_message(errors_)


def _field_messages(errors_, prefix=""):
    for key, value in errors_.items():
        name = key if key == "_schema" else f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _field_messages(value, "" if key in ("json", "query", "form", "headers") else f"{name}.")
        else:
            yield name, " ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def invalid_fields_message(errors_: dict) -> str:
    """Say in Dutch which fields of a refused request are wrong and why (the 422 of a bad body or query)."""
    parts = [f"{name}: {why}" if name != "_schema" else why for name, why in _field_messages(errors_)]
    return "Niet verwerkt — controleer " + ("dit veld" if len(parts) == 1 else "deze velden") + ": " + "; ".join(parts)


def _rollback():
    db = g.get("db_session")
    if db is not None:
        db.rollback()


# -- the database is down -----------------------------------------------------------------------------
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = "De database is even niet bereikbaar. Probeer het over een paar seconden opnieuw."


def handle_database_unavailable(error):
    """A lost or unreachable database: 503 in the error shape with Retry-After, never a 500 or an HTML page.

    The request's session is dropped without a rollback round-trip (its connection is gone); the pool's
    pre-ping finds a fresh connection once the database is back, so the app recovers by itself.
    """
    db = g.pop("db_session", None)
    if db is not None:
        close_quietly(db)
    current_app.logger.warning("database unavailable during %s %s: %s", request.method, request.path,
                               type(error).__name__)
    payload = {"code": 503, "status": "Service Unavailable", "message": UNAVAILABLE_MESSAGE}
    response = current_app.json.response(payload)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handle_database_error(error):
    """Any other database error: a 503 when it too means the connection was lost (invalidated, or the session
    still holds a transaction a lost connection rolled back); otherwise it is a bug and stays a 500."""
    if is_unavailable(error) or isinstance(error, sa_exc.PendingRollbackError):
        return handle_database_unavailable(error)
    raise error


def register_database_handler(app) -> None:
    """Answer every lost-database error with `handle_database_unavailable`."""
    for error_class in UNAVAILABLE_ERRORS:
        app.register_error_handler(error_class, handle_database_unavailable)
    for error_class in (sa_exc.DBAPIError, sa_exc.PendingRollbackError):
        app.register_error_handler(error_class, handle_database_error)


def init_app(app) -> Api:
    """Create the Api, document the auth schemes and hook request ids and headers."""
    app.url_map.converters["int"] = IdConverter  # before any blueprint adds its rules
    api = Api(app, spec_kwargs={"info": {"description": "Wijkspoed public API (v1). See API.md."},
                                "extra_plugins": [LinksPlugin()]})
    api.spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": app.config["SESSION_COOKIE_NAME"]}
    )
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    register_database_handler(app)

    @app.get("/api/docs/static/<path:filename>")
    def swagger_ui_static(filename):
        """Serve Swagger UI from the installed package: the docs work without internet."""
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)

    app.before_request(_request_id)
    app.before_request(_input_guard)

    @app.before_request
    def _body_limit():
        # Flask enforces MAX_CONTENT_LENGTH only when a view reads the body; refuse it for every route.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and (request.content_length or 0) > limit:
            abort(413)

    app.after_request(_audit_client_data)
    app.after_request(_security_headers)

    return api


def _request_id():
    """Make the request id on the server; keep what a client sent only as `client_request_id`."""
    g.request_id = str(uuid.uuid4())
    incoming = request.headers.get("X-Request-ID", "")
    g.client_request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else None


def _input_guard():
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


API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI runs the bundle from /api/docs/static and one inline initialiser; it may never be framed.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
HSTS = "max-age=63072000; includeSubDomains"


def _security_headers(response):
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


# The audit from one place: whatever a service recorded, every answer that shows a client and every refused
# attempt of a known user leaves a row. The audit trail itself is not audited again.
REFUSALS = (403, 404)
UNAUDITED_PATHS = ("/api/audit",)


def _names_of_request() -> dict:
    """Return the ids a request names in its path and its JSON body (what a refusal was about)."""
    names = {key: str(value) if isinstance(value, uuid.UUID) else value
             for key, value in (request.view_args or {}).items()}
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):
        names.update({key: body[key] for key in ("client_id", "call_id", "visit_id") if key in body
                      and key not in names})
    return names


def _audit_refusal(status: int) -> None:
    """Audit a refused attempt (read or write) by a known user, once per request."""
    actor = g.get("actor")
    if actor is None or status not in REFUSALS or request.path.startswith(UNAUDITED_PATHS):
        return
    rule = request.url_rule.rule if request.url_rule else request.path
    audit.record_refusal(get_session(), actor=actor, action=f"refused {request.method} {rule}",
                         names=_names_of_request(), now=get_clock().now(), status=status)


def _audit_client_data(response):
    """Audit every client an answer shows that the request's services did not record (sync, 409 `current`, …)."""
    actor = g.get("actor")
    if (actor is None or response.status_code >= 500 or not response.is_json or response.direct_passthrough
            or not request.path.startswith("/api/") or request.path.startswith(UNAUDITED_PATHS)):
        return response
    action = "response.read" if request.method in SAFE_METHODS else "response.write"
    try:
        audit.record_response(get_session(), actor=actor, action=action, body=response.get_json(silent=True),
                              now=get_clock().now())
    except (sa_exc.DBAPIError, sa_exc.PendingRollbackError) as error:
        # The database went away after the answer was made: no client data leaves without its audit row, and
        # an error here is past Flask's error handlers, so answer the 503 ourselves.
        if is_unavailable(error) or isinstance(error, sa_exc.PendingRollbackError):
            return handle_database_unavailable(error)
        raise
    return response
