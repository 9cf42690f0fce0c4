"""``chalice local``, closer to API Gateway in two ways.

- Nagle's algorithm off: chalice's local server answers HTTP/1.1 with
  keep-alive and writes headers and body in separate sends; with Nagle on,
  the body waits for the client's delayed ACK, adding ~40 ms to every request
  from a keep-alive client.  API Gateway has no such stall.
- A method no route has (TRACE, QUERY, …) gets a 4xx JSON error, as API
  Gateway gives, instead of http.server's "501 Unsupported method".
- A listen backlog of 128 instead of socketserver's 5: a burst of parallel
  clients is queued, not reset, while the server thread is busy.

    python -m devstack.chalice_local local --host 127.0.0.1 --port 8000 --stage dev
"""
import sys


def _method_not_allowed(handler) -> None:
    body = (b'{"error": "method_not_allowed", "message": "This API does not answer '
            + handler.command.encode() + b' requests; see GET /openapi.json."}')
    handler.send_response(405)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _unknown_method(handler, name: str):
    """http.server looks up ``do_<METHOD>``; any method without one is refused."""
    if name.startswith("do_"):
        return lambda: _method_not_allowed(handler)
    raise AttributeError(name)


def main() -> int:
    from chalice.cli import cli
    from chalice.local import ChaliceRequestHandler, ThreadedHTTPServer

    ThreadedHTTPServer.request_queue_size = 128
    ChaliceRequestHandler.disable_nagle_algorithm = True
    ChaliceRequestHandler.__getattr__ = _unknown_method
    args = sys.argv[1:]
    # chalice's auto-reloader restarts the server with sys.argv: keep this wrapper in it
    sys.argv = [sys.executable, "-m", "devstack.chalice_local", *args]
    return cli.main(args=args, obj={}, prog_name="chalice", standalone_mode=True)


if __name__ == "__main__":
    sys.exit(main())
