"""flask-smorest customisation: Api, Blueprint, authentication, errors. The only place for these."""
import dataclasses
import hmac
import typing
from datetime import date, datetime
from functools import wraps
from http import HTTPStatus

import flask_smorest
import marshmallow as ma
import swagger_ui_bundle
from flask import g, request, send_from_directory, session
from flask_smorest.utils import resolve_schema_instance
from marshmallow import validate
from marshmallow_sqlalchemy import ModelConverter, SQLAlchemyAutoSchema, SQLAlchemyAutoSchemaOpts
from marshmallow_sqlalchemy.schema import SQLAlchemyAutoSchemaMeta
from sqlalchemy.exc import IntegrityError
from webargs.flaskparser import FlaskParser
from werkzeug.routing import IntegerConverter

from backend import boundary, errors, hooks, idempotency, replay, vocab
from backend.audit import hooks as audit_hooks
from backend.context import SAFE_METHODS, current_actor, get_clock, request_meta
from backend.db import UTCDateTime, get_session
from backend.identity import credentials
from backend.identity.actor import Actor
from backend.messages import dutch_errors, invalid_fields_message
from backend.openapi_links import LinksPlugin
from backend.outage import register_database_handler

__all__ = ["ID", "Api", "AutoSchema", "Blueprint", "current_actor", "dataclass_schema", "get_clock", "init_app",
           "request_meta"]


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
    """Defaults of every `AutoSchema`: our converter, foreign keys included; or `dataclass` instead of `model`."""

    def __init__(self, meta, *args, **kwargs):
        if not hasattr(meta, "model_converter"):
            meta.model_converter = _ModelConverter
        if not hasattr(meta, "include_fk"):
            meta.include_fk = True
        super().__init__(meta, *args, **kwargs)
        self.dataclass = getattr(meta, "dataclass", None)
        if self.dataclass is not None and self.model is not None:
            raise ValueError("A schema is built from a table (model) or from a dataclass, not both.")


# The marshmallow field of each type a service's dataclass uses (a datetime is aware UTC, as in the tables).
_DATACLASS_FIELDS = {str: ma.fields.String, int: ma.fields.Integer, float: ma.fields.Float,
                     bool: ma.fields.Boolean, datetime: ma.fields.AwareDateTime, date: ma.fields.Date}


def _dataclass_field(name: str, hint, **options) -> ma.fields.Field:
    """The field of one annotated attribute: `X | None` allows null, `list[X]` and `dict[str, X]` hold X's
    field, a dataclass is nested with its own schema."""
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if type(None) in typing.get_args(hint) and len(args) == 1:
        return _dataclass_field(name, args[0], allow_none=True, **options)
    if typing.get_origin(hint) is list and len(args) == 1:
        return ma.fields.List(_dataclass_field(name, args[0]), **options)
    if typing.get_origin(hint) is dict and len(args) == 2:
        return ma.fields.Dict(keys=_dataclass_field(name, args[0]), values=_dataclass_field(name, args[1]), **options)
    if dataclasses.is_dataclass(hint):
        return ma.fields.Nested(dataclass_schema(hint), **options)
    if hint is dict:
        return ma.fields.Dict(**options)
    if hint not in _DATACLASS_FIELDS:
        raise TypeError(f"Declare the field {name!r} ({hint}) on the schema: no field follows from its type.")
    return _DATACLASS_FIELDS[hint](**options)


class AutoSchemaMeta(SQLAlchemyAutoSchemaMeta):
    """Fields from the table (`model`), or from the annotations of a service's dataclass (`dataclass`; a
    `description` in a field's metadata documents it). The `Meta` options are given as class keywords, as
    SQLModel's `table=True`: `class NoteSchema(AutoSchema, model=VisitNote)`; a subclass's options add to its
    base's."""

    def __new__(mcs, name, bases, attrs, **meta):
        if meta:
            if "Meta" in attrs:
                raise TypeError(f"{name}: give the Meta options as class keywords or as a Meta class, not both.")
            base_meta = next((base.Meta for base in bases if hasattr(base, "Meta")), object)
            attrs["Meta"] = type("Meta", (base_meta,), meta)
        return super().__new__(mcs, name, bases, attrs)

    def __init__(cls, name, bases, attrs, **_meta):
        super().__init__(name, bases, attrs)

    @classmethod
    def get_declared_sqla_fields(mcs, base_fields, converter, opts, dict_cls):
        if opts.dataclass is None:
            return super().get_declared_sqla_fields(base_fields, converter, opts, dict_cls)
        hints = typing.get_type_hints(opts.dataclass)
        fields = dict_cls()
        for f in dataclasses.fields(opts.dataclass):
            if f.name in base_fields or (opts.fields and f.name not in opts.fields):
                continue
            # An excluded attribute is never dumped: it needs a name, not a field that follows from its type.
            excluded = f.name in opts.exclude
            fields[f.name] = ma.fields.Raw() if excluded else _dataclass_field(f.name, hints[f.name],
                                                                                metadata=dict(f.metadata))
        return fields


_DATACLASS_SCHEMAS: dict[type, type] = {}


def dataclass_schema(source: type) -> type:
    """Return the schema of a dataclass nested in another one's (one class per dataclass, named after it)."""
    if source not in _DATACLASS_SCHEMAS:
        _DATACLASS_SCHEMAS[source] = AutoSchemaMeta(f"{source.__name__}Schema", (AutoSchema,),
                                                    {"__module__": source.__module__}, dataclass=source)
    return _DATACLASS_SCHEMAS[source]


class AutoSchema(SQLAlchemyAutoSchema, metaclass=AutoSchemaMeta):
    """The base of every response schema: built from a table (`model=…`) or from the small dataclass a service
    returns for a computed answer (`dataclass=…`), with `exclude=…` or `fields=…`. Declared fields win."""

    OPTIONS_CLASS = AutoSchemaOpts


class Parser(FlaskParser):
    """webargs' parser with the boundary guard on what it loaded: the dates, texts and integers of every field."""

    def parse(self, *args, **kwargs):
        parsed = super().parse(*args, **kwargs)
        boundary.check(parsed, kwargs.get("location") or "arguments")
        return parsed


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint whose `auth` decorator authenticates, authorises and documents both, and whose
    `endpoint` decorator is a view's usual stack in one line."""

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

    def endpoint(self, *roles: str, public: bool = False, path=None, query=None, body=None, status: int = 200,
                 response=None, idempotent: bool | dict = False, alt: dict | None = None, **response_options):
        """The usual stack of a view in one decorator, in this order (so the OpenAPI document is the stack's):

        `auth(*roles)` (none when `public`), `arguments` of the `path`, `query` and `body` schemas (the view
        gets them in that order), `idempotent(**idempotent)` (`True`: an optional key), `response(status,
        response, **response_options)`, and an `alt_response` for each `{status: description}` in `alt`.
        """
        stack = [] if public else [self.auth(*roles)]
        stack += [self.arguments(schema, location=location)
                  for schema, location in ((path, "path"), (query, "query"), (body, "json")) if schema is not None]
        if idempotent:
            stack.append(self.idempotent(**({"required": False} if idempotent is True else idempotent)))
        stack.append(self.response(status, response, **response_options))
        stack += [self.alt_response(code, description=text) for code, text in (alt or {}).items()]

        def decorator(func):
            for decorate in reversed(stack):
                func = decorate(func)
            return func

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

        It goes under `@blp.arguments` and above `@blp.response` (where `endpoint(idempotent=…)` puts it): a new
        write runs the view (its service writes and flushes, never commits), the answer dumped by the endpoint's
        own schema is stored, and the write and its answer are committed at once — one commit per write. A
        replay gets the stored status and body, audited as `write.replay` for the client `client_of(session,
        body)` names (default: the body's `client_id`); the same key with another request is a 422; a missing
        key is a 400 when `required`. When a concurrent replay wins the race (IntegrityError or Conflict), its
        stored answer is ours too (`backend.replay`).
        `secret_fields` (e.g. a share token) are never stored; a replay gets them from `restore(session, body)`.
        """

        def decorator(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                return replay.answer_once(lambda: func(*args, **kwargs), required=required, client_of=client_of,
                                          secret_fields=secret_fields, restore=restore)

            wrapper = self.alt_response(400, description=f"{replay.IDEMPOTENCY_HEADER} missing or malformed")(wrapper)
            header = {"in": "header", "name": replay.IDEMPOTENCY_HEADER, "required": required,
                      "schema": {"type": "string", "minLength": 1, "maxLength": idempotency.MAX_KEY_LENGTH},
                      "description": "One key per write; a replay with the same key gets the first answer"}
            return self.doc(parameters=[header])(wrapper)

        return decorator


class Api(flask_smorest.Api):
    """The Api: every error, domain or HTTP, leaves in one JSON shape."""

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(errors.DomainError, self.handle_domain_error)
        self._app.register_error_handler(IntegrityError, self.handle_integrity_error)

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        if code == 422 and payload.get("errors"):
            payload["errors"] = dutch_errors(payload["errors"])
            payload["message"] = invalid_fields_message(payload["errors"])
        payload.setdefault("message", error.description or error.name)
        return payload, code, headers

    def handle_domain_error(self, error: errors.DomainError):
        _rollback()
        audit_hooks.audit_refusal(error.status_code)
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


def _rollback():
    db = g.get("db_session")
    if db is not None:
        db.rollback()


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

    app.before_request(hooks.assign_request_id)
    app.before_request(hooks.input_guard)
    app.before_request(hooks.body_limit)
    app.after_request(audit_hooks.audit_client_data)
    app.after_request(hooks.security_headers)  # runs first: after_request hooks run in reverse order

    return api


