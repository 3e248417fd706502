"""OpenAPI links: what a client may do next with the resource an answer names (also what schemathesis'
stateful phase follows: create a call, then read, offer, accept it; create a visit, then add vitals, complete it).

One rule, derived from the paths: a `POST` on a collection (`/api/calls`) that answers 201 creates a resource,
and that answer — and every answer on the resource's own paths dumped with the same schema (`…/offer` answers
the call) — links to every operation on the resource's paths (`/api/calls/{call_id}`, `…/offer`, `…/accept`),
passing its `id`. `FLOWS` adds, for every answer dumped with a schema, the links that carry its id elsewhere:
in a body, a query or a share token (any answer that shows a call links to creating its visit).
"""
from apispec import BasePlugin

METHODS = {"get", "put", "post", "patch", "delete"}

# An answer dumped with this schema → (method, path) of an operation, with its parameters and body.
FLOWS = [
    ("Call", ("post", "/api/visits"), {}, {"call_id": "$response.body#/id"}),
    ("Call", ("get", "/api/visits"), {"query.call_id": "$response.body#/id"}, None),
    ("Client", ("post", "/api/calls"), {}, {"client_id": "$response.body#/id"}),
    ("Client", ("get", "/api/visits"), {"query.client_id": "$response.body#/id"}, None),
    ("Visit", ("post", "/api/handovers"), {}, {"visit_id": "$response.body#/id"}),
    ("HandoverCreated", ("get", "/api/shared/handovers/{token}"), {"token": "$response.body#/share_token"}, None),
    ("HandoverCreated", ("post", "/api/shared/handovers/{token}/acknowledge"),
     {"token": "$response.body#/share_token"}, None),
    ("PortalLink", ("get", "/api/portal/{token}"), {"token": "$response.body#/token"}, None),
]


def _ref(path: str, method: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _schema_of(operation: dict, status: str):
    response = operation.get("responses", {}).get(status) or operation.get("responses", {}).get(int(status)) or {}
    return response.get("content", {}).get("application/json", {}).get("schema") if isinstance(response, dict) else None


def _add_link(operation: dict, status: str, name: str, target: tuple, parameters: dict, body) -> None:
    responses = operation.get("responses", {})
    response = responses.get(status) if status in responses else responses.get(int(status))
    if not isinstance(response, dict):
        return
    link = {"operationRef": _ref(target[1], target[0])}
    if parameters:
        link["parameters"] = parameters
    if body is not None:
        link["requestBody"] = body
    response.setdefault("links", {})[name] = link


def _parameters_in(path: str) -> list[str]:
    return [part.strip("{}") for part in path.split("/") if part.startswith("{")]


def _link_name(method: str, path: str) -> str:
    words = [part.strip("{}").replace("-", "_").replace(".", "_") for part in path.split("/")[2:]]
    return method.upper() + "_" + "_".join(words)


class LinksPlugin(BasePlugin):
    """An apispec plugin: it keeps every operation it is shown and (re)writes their links as paths arrive."""

    def __init__(self):
        self.paths: dict[str, dict] = {}

    def operation_helper(self, path=None, operations=None, **kwargs):
        self.paths.setdefault(path, {}).update(operations or {})
        # Only the collections this path belongs to (itself, or an ancestor) get new links: startup stays cheap.
        parts = path.split("/")
        for collection in ("/".join(parts[:end]) for end in range(len(parts), 1, -1)):
            if collection in self.paths:
                self._link_resource(collection)
        self._link_flows(path)

    def _link_resource(self, collection: str) -> None:
        create = self.paths[collection].get("post")
        created = _schema_of(create, "201") if create else None
        if created is None:
            return
        prefix = collection + "/{"
        items = {path: ops for path, ops in self.paths.items() if path.startswith(prefix)}
        names = {path[len(prefix):].split("}", 1)[0] for path in items}
        if len(names) != 1:
            return
        name = names.pop()
        targets = [(method, path) for path, ops in items.items() for method in ops if method in METHODS]
        producers = [(create, "201")] + [(operation, status) for ops in items.values()
                                         for operation in ops.values() for status in ("200", "201")
                                         if _schema_of(operation, status) == created]
        # A sub-collection's links pass on its parents' ids from the request (a client's contacts).
        parameters = {f"path.{parent}": f"$request.path.{parent}" for parent in _parameters_in(collection)}
        parameters[f"path.{name}"] = "$response.body#/id"
        for operation, status in producers:
            for method, path in targets:
                _add_link(operation, status, _link_name(method, path), (method, path), parameters, None)

    def _link_flows(self, added: str) -> None:
        for schema, target, parameters, body in FLOWS:
            if target[1] not in self.paths:
                continue
            ref = {"$ref": f"#/components/schemas/{schema}"}
            sources = self.paths.items() if added == target[1] else [(added, self.paths[added])]
            for _, operations in sources:
                for operation in operations.values():
                    for status in ("200", "201"):
                        if _schema_of(operation, status) == ref:
                            _add_link(operation, status, _link_name(*target), target, parameters, body)
