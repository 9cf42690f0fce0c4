"""Serves the web console (``console/``) on 127.0.0.1, as CloudFront does in AWS:
its static files, the security headers of ``console/security-headers.json``,
``/config.json`` (where the API and the OpenID issuer are), and ``index.html``
for every other path (the console routes in the browser: ``/clusters/…``,
``/invitations/<token>``)."""
import http.server
import json
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent / "console"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".json": "application/json",
         ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
         ".txt": "text/plain; charset=utf-8"}
NOT_SERVED = {"security-headers.json"}  # deployment facts, not console files


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(api_url: str, issuer_url: str) -> dict:
    """The headers every console response carries, the CSP naming the API and issuer."""
    template = json.loads((ROOT / "security-headers.json").read_text())
    template.pop("_comment", None)
    return {name: value.replace("{api}", origin(api_url)).replace("{issuer}", origin(issuer_url))
            for name, value in template.items()}


def config(*, api_url: str, issuer_url: str, client_id: str, poll_seconds: float) -> dict:
    """``/config.json``: what the console reads before anything else (the CDK app
    writes the same file into the bucket at deploy)."""
    return {"apiUrl": api_url, "pollSeconds": poll_seconds,
            "oidc": {"issuer": issuer_url, "clientId": client_id, "scope": "openid email"}}


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves the console's files; ``config_body`` and ``extra_headers`` are set
    per server (``ConsoleServer`` makes a subclass)."""
    config_body = b"{}"
    extra_headers: dict = {}

    protocol_version = "HTTP/1.1"
    server_version = "cluster-manager-console"

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self._serve(head=False)

    def do_HEAD(self):  # noqa: N802
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == "/config.json":
            return self._send(200, self.config_body, "application/json", head)
        file = (ROOT / path.lstrip("/")).resolve()
        inside = file.is_relative_to(ROOT) and file.name not in NOT_SERVED
        if inside and file.is_file():
            kind = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0]
            return self._send(200, file.read_bytes(), kind or "application/octet-stream",
                              head)
        if "." in path.rsplit("/", 1)[-1]:  # a missing file, not a console page
            return self._send(404, b"not found\n", "text/plain; charset=utf-8", head)
        self._send(200, (ROOT / "index.html").read_bytes(), TYPES[".html"], head)

    def _send(self, status, body, content_type, head):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, *args):
        pass


class ConsoleServer:
    def __init__(self, *, port: int, api_url: str, issuer_url: str, client_id: str,
                 poll_seconds: float = 5):
        headers = security_headers(api_url, issuer_url)
        config_body = json.dumps(config(api_url=api_url, issuer_url=issuer_url,
                                        client_id=client_id, poll_seconds=poll_seconds)).encode()

        handler = type("Handler", (_Handler,), {"config_body": config_body,
                                                "extra_headers": headers})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="console")
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
