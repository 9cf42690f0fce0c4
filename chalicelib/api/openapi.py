"""The OpenAPI 3 document, generated from the route registry and schemas.

Every route declared through ``Routes.route`` appears here with its request
and response schemas, so the document cannot drift from the code; a test
checks it against Chalice's own route table as well.
"""
import functools

from chalicelib.api import gateway
from chalicelib.api.routing import PATH_PARAM, ROUTES, Routes

routes = Routes(__name__, tag="meta")

ERROR_TEXT = {
    400: "Malformed request (bad JSON, bad query parameter)",
    401: "Missing or invalid credentials (bearer token, or the namespace's own where taken)",
    403: "Not allowed for this caller",
    404: "Not found, or not visible to the caller",
    409: "Conflicts with the current state (an existing name, a deactivated plan, what "
         "the cluster or namespace supports)",
    410: "No longer valid (an expired or used invitation)",
    413: "Body larger than 64 KiB",
    415: "Body not sent as JSON (application/json)",
    422: "Body does not match the request schema",
}


def path_parameters() -> dict:
    """Each path parameter's shape, from the rule that makes the ids and names."""
    from chalicelib import clock
    from chalicelib.api.configuration import SECTION_SCHEMAS
    from chalicelib.domain import members, names

    label = {"type": "string", "pattern": names.DNS1123_PATTERN, "maxLength": names.MAX_LABEL}
    an_id = {"type": "string", "pattern": clock.id_pattern()}
    return {
        "cluster_id": an_id,
        "command_id": an_id,
        "namespace": label,
        "plan": label,
        "env": label,
        "section": {"type": "string", "enum": list(SECTION_SCHEMAS)},
        "email": {"type": "string", "format": "email", "pattern": names.EMAIL_PATTERN,
                  "maxLength": names.MAX_EMAIL},
        "token": {"type": "string", "pattern": members.TOKEN_PATTERN},
    }


def query_parameters() -> dict:
    from chalicelib import pagination
    from chalicelib.domain import plans

    return {
        "limit": {"name": "limit", "in": "query", "required": False,
                  "schema": {"type": "integer", "minimum": 1, "maximum": pagination.MAX_LIMIT,
                             "default": pagination.DEFAULT_LIMIT}},
        "next_token": {"name": "next_token", "in": "query", "required": False,
                       "schema": {"type": "string", "pattern": pagination.TOKEN_PATTERN,
                                  "maxLength": pagination.MAX_TOKEN},
                       "description": "The next_token of the previous page, unchanged (opaque: "
                                      "any other value is refused with 400 invalid_next_token); "
                                      "empty or left out: the first page"},
        "account_id": {"name": "account_id", "in": "query", "required": True,
                       "schema": {"type": "string", "pattern": plans.ACCOUNT_ID_PATTERN},
                       "description": "Your 12-digit AWS account number"},
        "confirm": {"name": "confirm", "in": "query", "required": True,
                    "schema": {"type": "string", "enum": ["true"]},
                    "description": "The removal cannot be undone: say so with confirm=true"},
        "confirm_if": {"name": "confirm", "in": "query", "required": False,
                       "schema": {"type": "string", "enum": ["true", "false"]},
                       "description": "Needed (true) when environments would be left behind "
                                      "on the platform; without it such a delete is a 409"},
    }


# Where the ids a create operation answers with are used: operationId → (status,
# {link name: (target operationId, {parameter: runtime expression})}).  A client (and
# schemathesis's stateful phase) follows them the way a person does.
_CLUSTER = {"cluster_id": "$response.body#/cluster_id"}
_NAMESPACE = {"cluster_id": "$response.body#/cluster_id", "namespace": "$response.body#/name"}
_IN_NAMESPACE = {"cluster_id": "$request.path.cluster_id",
                 "namespace": "$request.path.namespace"}
# (Operations that also take the namespace's own credentials are left out of the links
# from create_namespace: those credentials see their own namespace only.)
LINKS = {
    "create_cluster": {op: _CLUSTER for op in (
        "get_cluster", "update_cluster", "delete_cluster", "create_namespace", "list_namespaces",
        "cluster_activity")},
    "create_namespace": {op: _NAMESPACE for op in (
        "get_namespace", "delete_namespace", "get_installation", "rotate_agent_credentials",
        "send_command", "list_commands", "invite_member", "list_members", "get_operate",
        "put_operate", "namespace_activity", "s3_policy",
        "create_environment", "list_environments")},
    "appoint_manager": {"remove_manager": {"cluster_id": "$request.path.cluster_id",
                                           "email": "$request.path.email"}},
    "save_plan": {"toggle_plan": {**_IN_NAMESPACE, "plan": "$response.body#/name"}},
    "invite_member": {op: {**_IN_NAMESPACE, "email": "$response.body#/email"}
                      for op in ("update_member", "remove_member")},
    "create_environment": {op: {**_IN_NAMESPACE, "env": "$response.body#/name"} for op in (
        "get_environment", "delete_environment", "retry_provisioning")},
    "send_command": {"get_command": {**_IN_NAMESPACE, "command_id": "$response.body#/command_id"}},
    "put_configuration_section": {"get_configuration_section": {
        **_IN_NAMESPACE, "section": "$request.path.section"}},
    "get_installation": {"open_agent_session": {"__body__": {
        "namespace_id": "$response.body#/parameters/namespace_id",
        "secret": "$response.body#/parameters/agent_secret"}}},
    "rotate_agent_credentials": {"open_agent_session": {"__body__": {
        "namespace_id": "$response.body#/namespace_id",
        "secret": "$response.body#/agent_secret"}}},
}


def _links(spec, by_id: dict) -> dict:
    out = {}
    targets = dict(LINKS.get(spec.view, {}))
    if spec.paginated:
        targets[spec.view] = {**{p: f"$request.path.{p}" for p in PATH_PARAM.findall(spec.path)},
                              "next_token": "$response.body#/next_token"}
    for target, values in targets.items():
        other = by_id[target]
        link = {"operationId": target, "description": f"{target} with what this answered"}
        params = {k: v for k, v in values.items() if k != "__body__"}
        if "remove_member" == target:
            params["confirm"] = "true"
        if params:
            link["parameters"] = params
        if "__body__" in values:
            link["requestBody"] = values["__body__"]
        name = "".join(w.capitalize() for w in target.split("_"))
        out["NextPage" if target == spec.view else name] = link
        assert set(PATH_PARAM.findall(other.path)) <= set(params), (spec.view, target)
    return out


SECURITY = {"user": [{"bearer": []}], "user_or_agent": [{"bearer": []}, {"agent": []}],
            "none": []}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _request_body(spec) -> dict | None:
    if isinstance(spec.request, tuple):
        schema = {"oneOf": [_ref(n) for n in spec.request]}
    elif spec.request:
        schema = _ref(spec.request)
    else:
        return None
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _error_codes(spec) -> list[int]:
    # 400: malformed HTTP, JSON or query; 404: a path parameter names nothing visible
    codes = {400, 404} | ({401, 403} if spec.auth != "none" else set())
    codes |= {413, 415, 422} if spec.request else set()
    codes |= set(spec.errors)
    if spec.method in ("POST", "PATCH", "PUT", "DELETE"):
        codes |= {403, 409}
    return sorted(codes)


def _responses(spec, links: dict) -> dict:
    out = {}
    for status in (spec.status, *spec.alt_status):
        ok = {"description": "Success"}
        if spec.response:
            ok["content"] = {"application/json": {"schema": _ref(spec.response)}}
        if links:
            ok["links"] = links
        out[str(status)] = ok
    for code in _error_codes(spec):
        out[str(code)] = {"description": ERROR_TEXT.get(code, "Error"),
                          "content": {"application/json": {"schema": _ref("Error")}}}
    return out


def _operation(spec, shapes: dict, queries: dict, by_id: dict) -> dict:
    op = {
        "operationId": spec.view,
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": [{"name": p, "in": "path", "required": True, "schema": shapes[p]}
                       for p in PATH_PARAM.findall(spec.path)],
    }
    op["parameters"] += [queries[q] for q in
                         (("limit", "next_token") if spec.paginated else ()) + spec.query]
    if isinstance(spec.request, tuple):
        op["description"] = ("The body is the schema of the section the path names "
                             "(" + ", ".join(spec.request) + ").")
    body = _request_body(spec)
    if body:
        op["requestBody"] = body
    op["responses"] = _responses(spec, _links(spec, by_id))
    if spec.auth in SECURITY:
        op["security"] = SECURITY[spec.auth]
    return op


def _components() -> dict:
    from pydantic.json_schema import models_json_schema

    from chalicelib.api import schemas

    names = {"Error"}
    for spec in ROUTES:
        requests = spec.request if isinstance(spec.request, tuple) else (spec.request,)
        names.update(n for n in (*requests, spec.response) if n)
    models = [(getattr(schemas, n), "validation") for n in sorted(names)]
    _, top = models_json_schema(models, ref_template="#/components/schemas/{model}")
    return top.get("$defs", {})


@functools.lru_cache(maxsize=1)
def document() -> dict:
    components = _components()
    shapes, queries = path_parameters(), query_parameters()
    by_id = {spec.view: spec for spec in ROUTES}
    paths: dict = {}
    for spec in ROUTES:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, shapes, queries,
                                                                          by_id)

    return {
        "openapi": "3.1.0",
        "info": {"title": "Cluster Manager API", "version": "1.0.0",
                 "description": "Register Kubernetes/OpenShift clusters, add namespaces, "
                                "connect agents and manage environments.\n\nErrors are "
                                "always JSON `{error, message}`. A method or path that is not "
                                f"in this document is answered {gateway.UNKNOWN_ROUTE_STATUS} "
                                f"`{{\"error\": \"{gateway.UNKNOWN_ROUTE_CODE}\", …}}` "
                                "(API Gateway's Missing Authentication Token; see "
                                "components.responses.UnknownRoute), never 405."},
        "paths": paths,
        "components": {
            "schemas": components,
            "responses": {"UnknownRoute": {
                "description": gateway.UNKNOWN_ROUTE_MESSAGE,
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}}},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "agent": {"type": "apiKey", "in": "header", "name": "Authorization",
                          "description": "'Agent <namespace_id>:<agent secret>': the "
                                         "namespace's own credentials (reconfiguration script)"},
            },
        },
        "security": [{"bearer": []}],
    }


@routes.route("/openapi.json", "GET", auth="none", response="OpenApiDocument",
              summary="This API's OpenAPI 3 document")
def openapi_document(call):
    return with_sign_in(document())


def with_sign_in(doc: dict) -> dict:
    """The document plus where users sign in (an ``openIdConnect`` scheme for
    the configured issuer, with the client id), so clients such as the CLI's
    ``login`` need only the API's URL."""
    from chalicelib import settings

    issuer = settings.get("JWT_ISSUER", "")
    if not issuer:
        return doc
    schemes = {**doc["components"]["securitySchemes"], "oidc": {
        "type": "openIdConnect",
        "openIdConnectUrl": issuer.rstrip("/") + "/.well-known/openid-configuration",
        "x-client-id": settings.jwt_audience(),
        "description": "Where users sign in (authorization code + PKCE); the API takes the "
                       "ID token as its bearer token"}}
    return {**doc, "components": {**doc["components"], "securitySchemes": schemes}}
