"""``chalice local``, closer to API Gateway.

- Nagle's algorithm off: chalice's local server answers HTTP/1.1 with
  keep-alive and writes headers and body in separate sends; with Nagle on,
  the body waits for the client's delayed ACK, adding ~40 ms to every request
  from a keep-alive client.  API Gateway has no such stall.
- A method or path no route declares gets what the deployed stage answers:
  403 "Missing Authentication Token" with our JSON error body
  (``chalicelib.api.gateway``), whatever the method (TRACE, QUERY, HEAD, an
  OPTIONS without CORS, PATCH on a GET-only path, …), instead of Chalice's
  405 or http.server's 501.  Its body is read first, so a keep-alive
  connection stays in step.
- Requests http.server cannot parse (a bad request line, headers too long,
  a body sent chunked) get a JSON error instead of its HTML page, and the
  connection is closed, since the rest of the stream cannot be trusted.
- Path parameters are URL-decoded, as API Gateway decodes them
  (``…/members/bob%40example.com`` is ``bob@example.com``).
- A listen backlog of 1024 instead of socketserver's 5: a burst of parallel
  clients overflowed it, and the kernel reset or dropped their connections
  (API Gateway queues them).

    python -m devstack.chalice_local local --host 127.0.0.1 --port 8000 --stage dev
"""
import json
import sys
from http import HTTPStatus
from urllib.parse import unquote

from chalicelib.api import gateway

LISTEN_BACKLOG = 1024  # capped by net.core.somaxconn (4096 on current kernels)


def _drain_body(handler) -> None:
    try:
        length = int(handler.headers.get("content-length") or 0)
    except ValueError:
        length = 0
    if length > 0:
        handler.rfile.read(length)
    if "chunked" in (handler.headers.get("transfer-encoding") or "").lower():
        handler.close_connection = True  # unread chunks must not become the next request


def _send_json(handler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    if status == gateway.UNKNOWN_ROUTE_STATUS:
        handler.send_header("x-amzn-ErrorType", "MissingAuthenticationTokenException")
    if handler.close_connection:
        handler.send_header("Connection", "close")
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


def _unknown_route(handler) -> None:
    _drain_body(handler)
    _send_json(handler, gateway.UNKNOWN_ROUTE_STATUS, gateway.unknown_route_body())


def _unknown_method(handler, name: str):
    """http.server looks up ``do_<METHOD>``; a method without one is no route."""
    if name.startswith("do_"):
        return lambda: _unknown_route(handler)
    raise AttributeError(name)


def _send_error(handler, code, message=None, explain=None) -> None:
    """http.server's own errors (bad request line, headers too long, …) as JSON."""
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "Error"
    text = message or phrase
    body = json.dumps({"error": phrase.lower().replace(" ", "_").replace("-", "_"),
                       "message": f"{text}; the request could not be read as HTTP/1.1, so it "
                                  "reached no route. Check the request line and headers."},
                      separators=(",", ":")).encode()
    handler.close_connection = True
    handler.log_error("code %d, message %s", code, text)
    if not getattr(handler, "command", None):
        handler.command = "GET"
    _send_json(handler, code, body)


def _route_known(gateway_obj, method: str, path: str) -> bool:
    try:
        match = gateway_obj.event_converter._route_matcher.match_route(path)
    except ValueError:
        return False
    views = gateway_obj._app_object.routes[match.route]
    if method == "OPTIONS":  # API Gateway has an OPTIONS method only where CORS is on
        return any(view.cors is not None for view in views.values())
    return method in views


def main() -> int:
    from chalice.cli import cli
    from chalice.local import (ChaliceRequestHandler, ForbiddenError, LocalGateway, RouteMatcher,
                               ThreadedHTTPServer)

    ThreadedHTTPServer.request_queue_size = LISTEN_BACKLOG
    ChaliceRequestHandler.disable_nagle_algorithm = True
    ChaliceRequestHandler.__getattr__ = _unknown_method
    ChaliceRequestHandler.send_error = _send_error
    ChaliceRequestHandler.do_HEAD = _unknown_route  # no route takes HEAD (and chalice would
    # send a body with it)

    handle_request = LocalGateway.handle_request

    def handle_known_routes(self, method, path, headers, body):
        if not _route_known(self, method, path):
            raise ForbiddenError({"x-amzn-ErrorType": "MissingAuthenticationTokenException"},
                                 gateway.unknown_route_body())
        return handle_request(self, method, path, headers, body)

    LocalGateway.handle_request = handle_known_routes

    match_route = RouteMatcher.match_route

    def match_decoded(self, url):
        result = match_route(self, url)
        for key, value in result.captured.items():
            result.captured[key] = unquote(value)
        return result

    RouteMatcher.match_route = match_decoded

    args = sys.argv[1:]
    # chalice's auto-reloader restarts the server with sys.argv: keep this wrapper in it
    sys.argv = [sys.executable, "-m", "devstack.chalice_local", *args]
    return cli.main(args=args, obj={}, prog_name="chalice", standalone_mode=True)


if __name__ == "__main__":
    sys.exit(main())
