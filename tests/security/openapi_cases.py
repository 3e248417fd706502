"""Requests generated from the app's own OpenAPI document: every operation, and every field it documents.

Used by the security tests to put one hostile value into each string, integer or date field of every
operation (body and query), so a fix covers the class of attack, not one example.
"""
import uuid
from dataclasses import dataclass

SAMPLE_BY_FORMAT = {"date": "2026-11-25", "date-time": "2026-11-25T03:00:00+01:00", "uuid": None, "email": "a@b.nl"}


@dataclass(frozen=True, eq=False)
class Field:
    """One field of one operation: where it sits and what it is."""

    method: str
    path: str  # with path parameters filled in
    location: str  # "json" or "query"
    name: str  # dotted for nested body fields
    type: str
    format: str | None
    body: dict | None = None  # the operation's body schema

    def __str__(self):
        return f"{self.method} {self.path} {self.location}:{self.name}"


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        ref = schema["$ref"].split("/")[-1]
        schema = spec["components"]["schemas"][ref]
    if "allOf" in schema:
        merged = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            part = _resolve(spec, part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return merged
    return schema


def sample(spec: dict, schema: dict, depth: int = 0):
    """Return a plausible value for a schema (the required fields of objects filled in)."""
    schema = _resolve(spec, schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" and depth < 4:
        return {name: sample(spec, sub, depth + 1) for name, sub in schema.get("properties", {}).items()
                if name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    return SAMPLE_BY_FORMAT.get(fmt) or "tekst"


def _fill_path(path: str, parameters: list) -> str:
    for param in parameters:
        if param.get("in") != "path":
            continue
        fmt = param.get("schema", {}).get("format")
        kind = param.get("schema", {}).get("type")
        value = str(uuid.uuid4()) if fmt == "uuid" else ("1" if kind == "integer" else "x")
        path = path.replace("{" + param["name"] + "}", value)
    return path


def operations(spec: dict):
    """Yield (method, filled path, body schema or None, query parameters) for every operation."""
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = op.get("parameters", []) + item.get("parameters", [])
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            query = [p for p in params if p.get("in") == "query"]
            yield method.upper(), _fill_path(path, params), body, query


def _body_fields(spec, schema, prefix=""):
    schema = _resolve(spec, schema)
    for name, sub in schema.get("properties", {}).items():
        if sub.get("readOnly"):
            continue
        sub = _resolve(spec, sub)
        kind = sub.get("type")
        if kind == "object" and sub.get("properties"):
            yield from _body_fields(spec, sub, f"{prefix}{name}.")
        elif kind == "array":
            items = _resolve(spec, sub.get("items", {}))
            yield f"{prefix}{name}[]", items.get("type"), items.get("format")
        else:
            yield f"{prefix}{name}", kind, sub.get("format")


def fields(spec: dict):
    """Yield every documented field of every operation's JSON body and query."""
    for method, path, body, query in operations(spec):
        if body is not None:
            for name, kind, fmt in _body_fields(spec, body):
                yield Field(method, path, "json", name, kind, fmt, body)
        for param in query:
            schema = _resolve(spec, param.get("schema", {}))
            yield Field(method, path, "query", param["name"], schema.get("type"), schema.get("format"), body)


def request_with(spec: dict, field: Field, value) -> dict:
    """Return test-client keyword arguments: a plausible request with `value` in `field`."""
    body = sample(spec, field.body) if field.body is not None else None
    if field.location == "query":
        return {"query_string": {field.name: value}, "json": body}
    return {"json": body_with(spec, field.body, field.name, value)}


def body_with(spec: dict, schema: dict, name: str, value) -> dict:
    """Return a plausible body with `value` placed at the dotted field `name` (`x[]` puts it in a list)."""
    body = sample(spec, schema)
    target = body
    parts = name.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    last = parts[-1]
    if last.endswith("[]"):
        target[last[:-2]] = [value]
    else:
        target[last] = value
    return body


