"""The OpenAPI 3 document, generated from the route registry and schemas.

Every route declared through ``Routes.route`` appears here with its request
and response schemas, so the document cannot drift from the code; a test
checks it against Chalice's own route table as well.
"""
import functools

from chalicelib import settings
from chalicelib.api.routing import PATH_PARAM, ROUTES, Routes, RouteSpec

routes = Routes(__name__, tag="meta")

ERROR_TEXT = {
    400: "Malformed request (bad JSON, bad query parameter)",
    401: "Missing or invalid bearer token",
    403: "Not allowed for this caller",
    404: "Not found, or not visible to the caller",
    409: "Conflicts with the current state",
    413: "Body larger than 64 KiB",
    415: "Body is not sent as application/json",
    422: "Body fails validation",
}


SECURITY = {"user": [{"bearer": []}], "user_or_agent": [{"bearer": []}, {"agent": []}],
            "none": []}
PAGE_PARAMETERS = [
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
    {"name": "next_token", "in": "query", "required": False,
     "schema": {"type": "string"},
     "description": "The next_token of the previous page"},
]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _request_body(spec: RouteSpec) -> dict | None:
    if isinstance(spec.request, tuple):
        schema = {"oneOf": [_ref(n) for n in spec.request]}
    elif spec.request:
        schema = _ref(spec.request)
    else:
        return None
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _error_codes(spec: RouteSpec) -> set:
    codes = {400, 404} | ({401, 403} if spec.auth != "none" else set())
    codes |= {413, 415, 422} if spec.request else set()
    codes |= set(spec.errors)
    if spec.method in ("POST", "PATCH", "PUT", "DELETE"):
        codes |= {403, 409}
    return codes


def _responses(spec: RouteSpec) -> dict:
    ok = {"description": "Success"}
    if spec.response:
        ok["content"] = {"application/json": {"schema": _ref(spec.response)}}
    responses = {str(status): ok for status in (spec.status, *spec.alt_status)}
    for code in sorted(_error_codes(spec)):
        responses[str(code)] = {"description": ERROR_TEXT.get(code, "Error"),
                                "content": {"application/json": {"schema": _ref("Error")}}}
    return responses


def operation(spec: RouteSpec) -> dict:
    """One route's OpenAPI operation."""
    op = {
        "operationId": spec.view,
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": [
            {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
            for p in PATH_PARAM.findall(spec.path)
        ] + (PAGE_PARAMETERS if spec.paginated else []),
        "responses": _responses(spec),
    }
    body = _request_body(spec)
    if body:
        op["requestBody"] = body
    if spec.auth in SECURITY:
        op["security"] = SECURITY[spec.auth]
    return op


@functools.lru_cache(maxsize=1)
def document() -> dict:
    # Lazy: pydantic is loaded only when the document is first asked for (cold start).
    from pydantic.json_schema import models_json_schema

    from chalicelib.api import schemas  # lazy: imports pydantic

    names = {"Error"}
    for spec in ROUTES:
        requests = spec.request if isinstance(spec.request, tuple) else (spec.request,)
        names.update(n for n in (*requests, spec.response) if n)
    models = [(getattr(schemas, n), "validation") for n in sorted(names)]
    _, top = models_json_schema(models, ref_template="#/components/schemas/{model}")
    components = top.get("$defs", {})

    paths: dict = {}
    for spec in ROUTES:
        paths.setdefault(spec.path, {})[spec.method.lower()] = operation(spec)

    return {
        "openapi": "3.1.0",
        "info": {"title": "Cluster Manager API", "version": "1.0.0",
                 "description": "Register Kubernetes/OpenShift clusters, add namespaces, "
                                "connect agents and manage environments."},
        "paths": paths,
        "components": {
            "schemas": components,
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
