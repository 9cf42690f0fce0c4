"""A development OpenID issuer: an RSA key pair on disk and tokens signed
with it.  The API verifies them exactly as it verifies a production issuer's
(keys fetched from a JWKS URL, issuer, audience, expiry)."""
import json
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KID = "dev-issuer-1"


def paths(state_dir: Path) -> tuple[Path, Path]:
    return state_dir / "issuer-private.pem", state_dir / "jwks.json"


def ensure_keys(state_dir: Path) -> Path:
    """Create the key pair once; later runs reuse it so tokens stay valid."""
    private_path, jwks_path = paths(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    if not (private_path.exists() and jwks_path.exists()):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_path.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        private_path.chmod(0o600)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        public.update(kid=KID, use="sig", alg="RS256")
        jwks_path.write_text(json.dumps({"keys": [public]}))
    return jwks_path


def mint(state_dir: Path, email: str, *, issuer: str, audience: str,
         ttl_seconds: int = 12 * 3600, claims: dict | None = None) -> str:
    """A signed ID token for ``email`` (verified: ``email_verified`` is true);
    ``claims`` adds, overrides (e.g. ``{"email_verified": False}``) or, with
    None, removes claims."""
    ensure_keys(state_dir)
    private_path, _ = paths(state_dir)
    now = int(time.time())
    body = {
        "iss": issuer, "aud": audience, "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, email)),
        "email": email, "email_verified": True, "iat": now, "exp": now + ttl_seconds,
    }
    for name, value in (claims or {}).items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    return jwt.encode(body, private_path.read_bytes(), algorithm="RS256",
                      headers={"kid": KID})


class JwksServer:
    """Serves the dev issuer's JWKS over HTTP on 127.0.0.1 (a free port), as
    an OpenID provider would; the API fetches it like Cognito's."""

    def __init__(self, state_dir: Path):
        import http.server
        import threading

        body = ensure_keys(state_dir).read_bytes()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                if self.path != "/.well-known/jwks.json":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="jwks")
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/.well-known/jwks.json"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
