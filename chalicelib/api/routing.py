"""Route declaration shared by every blueprint.

``Routes.route`` registers a Chalice route and, in the same breath, the facts
the OpenAPI document needs (request/response schema names, status, auth).  It
wraps each view so that every route authenticates the same way, parses the
body the same way (size limit, JSON, schema with unknown fields refused) and
answers errors with the same JSON shape.  Views receive a ``Call``.
"""
import functools
import json
import logging
import re
from dataclasses import dataclass, field

from chalice import Blueprint, CORSConfig, Response

from chalicelib import pagination, settings, tracing
from chalicelib.auth import authenticate
from chalicelib.domain import access, activity
from chalicelib.domain.agents import principal_from_header
from chalicelib.errors import (ApiError, BadRequest, PayloadTooLarge, Unprocessable,
                               UnsupportedMediaType)

log = logging.getLogger("cluster_manager.api")

MAX_BODY_BYTES = 64 * 1024
CREDENTIAL_PARAMS = {"token"}  # path parameters that are secrets: never logged
JSON_HEADERS = {"Content-Type": "application/json"}
# Bodies are always parsed as JSON; accepting the usual mislabels lets the
# caller get our JSON error ("not valid JSON").  Chalice is told to accept
# every type so that the refusal of any other one is ours ({error, message}),
# not Chalice's own error shape.
ACCEPTED_CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded"]
CHALICE_CONTENT_TYPES = ["*/*"]


@dataclass
class RouteSpec:
    path: str
    method: str
    view: str
    summary: str
    status: int
    request: str | tuple | None  # model name(s) in chalicelib.api.schemas; a tuple: the view
    # validates with one of them (the document shows oneOf)
    response: str | None
    auth: str  # "user" | "user_or_agent" (also a namespace's own credentials) | "none"
    paginated: bool
    tag: str
    errors: tuple = ()
    alt_status: tuple = ()  # other success codes with the same body (e.g. 200 vs 201)


ROUTES: list[RouteSpec] = []


def cors() -> CORSConfig | None:
    """The web console's origin (``CONSOLE_ORIGIN``, e.g. http://127.0.0.1:8080
    locally) may call the API from a browser; no other origin may.  Unset (in
    AWS, where CloudFront serves the console and the API from one origin):
    no CORS headers at all."""
    import os

    origin = os.environ.get("CONSOLE_ORIGIN", "").rstrip("/")
    if not origin:
        return None
    return CORSConfig(allow_origin=origin, allow_headers=["Authorization", "Content-Type"],
                      max_age=600)


@dataclass
class Call:
    """What a view gets: the caller, path parameters, query, parsed body."""

    principal: object
    params: dict
    query: dict
    body: object = None
    headers: dict = field(default_factory=dict)
    stage: str | None = None
    # what the activity log records about this call: extra target fields, or
    # False when there is nothing left to record it in (a deleted cluster)
    activity: dict | bool = field(default_factory=dict)
    status: int | None = None  # a view's choice among the route's success codes

    @property
    def base_url(self) -> str:
        """The API's public base URL (configured, or as the caller reached us)."""
        configured = settings.api_url()
        if configured:
            return configured.rstrip("/")
        host = self.headers.get("host", "localhost")
        scheme = self.headers.get("x-forwarded-proto", "https")
        if not HOST.match(host) or scheme not in ("http", "https"):
            raise BadRequest("The Host (or X-Forwarded-Proto) header is not a valid host name; "
                             "the API builds links from it.", code="invalid_host")
        return f"{scheme}://{host}" + (f"/{self.stage}" if self.stage else "")

    @property
    def limit(self) -> int:
        return pagination.parse_limit(self.query.get("limit"))

    @property
    def next_token(self) -> str | None:
        return self.query.get("next_token")


def json_response(status: int, body) -> Response:
    if status == 204:
        return Response(body="", status_code=204, headers={})
    return Response(body=json.dumps(body, separators=(",", ":")), status_code=status,
                    headers=JSON_HEADERS)


def error_response(error: ApiError) -> Response:
    return json_response(error.status, error.body())


def _parse_body(request, model_name):
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(
            f"The request body is {len(raw)} bytes; the limit is {MAX_BODY_BYTES} bytes (64 KiB).")
    if model_name is None:
        return None
    _check_content_type(request.headers.get("content-type"))
    if not raw.strip():
        raise BadRequest("This request needs a JSON object body.", code="missing_body")
    data = parse_json(raw)
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object ({...}).", code="invalid_json")
    if isinstance(model_name, tuple):  # the view picks the schema (e.g. by path)
        return data
    return validate(model_name, data)


def _check_content_type(header: str | None) -> None:
    media_type = (header or "application/json").split(";", 1)[0].strip().lower()
    if media_type and media_type not in ACCEPTED_CONTENT_TYPES:
        raise UnsupportedMediaType(
            f"The body's Content-Type is {media_type!r}; send it as application/json.")


def parse_json(raw):
    """JSON text → value, or a 400 that says what was wrong (including input
    nested too deeply for the parser, which would otherwise be a 500)."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise BadRequest("The body is nested too deeply to be parsed; send a flat JSON "
                         "object as described in GET /openapi.json.", code="invalid_json") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"The body is not valid JSON ({exc}); send a JSON object.",
                         code="invalid_json") from None


def validate(model_name: str, data: dict):
    """Validate ``data`` against a schema; pydantic is imported only here."""
    # Lazy: pydantic (and the models built from it) cost cold start on routes without a body.
    from pydantic import ValidationError

    from chalicelib.api import schemas  # lazy: imports pydantic

    model = getattr(schemas, model_name)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            where = ".".join(str(p) for p in err["loc"]) or "body"
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "is not a known field; remove it (see GET /openapi.json)"
            elif err["type"] == "missing":
                message = "is required"
            problems.append({"field": where, "problem": message})
        text = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
        raise Unprocessable(f"The request body is not valid: {text}.",
                            details=problems) from None


class Routes:
    """A Chalice Blueprint whose routes also describe themselves."""

    def __init__(self, import_name: str, tag: str):
        self.blueprint = Blueprint(import_name)
        self.tag = tag

    def route(self, path: str, method: str, *, summary: str, status: int = 200,
              request: str | None = None, response: str | None = None,
              auth: str = "user", paginated: bool = False, errors: tuple = (),
              alt_status: tuple = ()):
        def decorate(fn):
            spec = RouteSpec(path=path, method=method, view=fn.__name__, summary=summary,
                             status=status, request=request, response=response, auth=auth,
                             paginated=paginated, tag=self.tag, errors=errors,
                             alt_status=alt_status)
            ROUTES.append(spec)
            blueprint = self.blueprint

            @functools.wraps(fn)
            def view(**params):
                return dispatch(spec, fn, blueprint.current_request, params)

            blueprint.route(path, methods=[method], content_types=CHALICE_CONTENT_TYPES,
                            cors=cors())(view)
            return fn

        return decorate


def dispatch(spec: RouteSpec, fn, request, params: dict) -> Response:
    tracing.start()
    try:
        principal = None
        header = request.headers.get("authorization") or ""
        if spec.auth == "user_or_agent" and header.lower().startswith("agent "):
            principal = principal_from_header(header[6:])
        elif spec.auth in ("user", "user_or_agent"):
            principal = authenticate(header)
        call = Call(principal=principal, params=params,
                    query=dict(request.query_params or {}),
                    headers={k.lower(): v for k, v in dict(request.headers).items()},
                    stage=(request.context or {}).get("stage"))
        call.body = _parse_body(request, spec.request)
        if spec.paginated:
            caller = getattr(principal, "namespace_id", None) or getattr(principal, "email", "")
            pagination.bind(str(caller), spec.method, spec.path.format(**params), call.query)
        access.CURRENT.set(None)
        with tracing.subsegment(f"{spec.method} {spec.path}"):
            result = fn(call)
        if spec.method != "GET" and principal is not None:
            _record_activity(spec, call)
        return json_response(call.status or spec.status, result)
    except ApiError as error:
        return error_response(error)
    except Exception:  # never leak internals; the log has the trace
        log.exception("unhandled error in %s %s", spec.method, spec.path)
        return json_response(500, {"error": "internal",
                                   "message": "Something went wrong on our side; retry later."})


def _record_activity(spec: RouteSpec, call: Call) -> None:
    """Every successful change by a user lands in the activity log."""
    if call.activity is False:
        return
    grant = access.CURRENT.get()
    extra = dict(call.activity)
    cluster_id = extra.pop("cluster_id", None) or call.params.get("cluster_id")
    if not cluster_id:
        return
    target = grant.target if grant is not None else None
    shown = {k: ("***" if k in CREDENTIAL_PARAMS else v) for k, v in call.params.items()}
    activity.record(
        actor=call.principal.email, action=spec.view, method=spec.method,
        path=spec.path.format(**shown), status=spec.status,
        cluster_id=cluster_id,
        namespace=extra.pop("namespace", None) or call.params.get("namespace"),
        namespace_id=extra.pop("namespace_id", None) or (target.namespace_id if target else None),
        target={**shown, **extra})


PATH_PARAM = re.compile(r"{([^}]+)}")
HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$")
