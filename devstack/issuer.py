"""A development OpenID provider: an RSA key pair on disk and ID tokens signed
with it.  The API verifies them exactly as it verifies a production issuer's
(keys fetched from a JWKS URL, issuer, audience, expiry).

``IssuerServer`` serves, on 127.0.0.1, what browsers and command-line tools
need to sign in with the authorization code flow and PKCE (RFC 7636):

- ``GET /.well-known/openid-configuration`` — the discovery document;
- ``GET /.well-known/jwks.json`` — the public key;
- ``GET /authorize`` — a sign-in page (an **Email** field, a **Sign in**
  button; any address signs in, no password); ``POST /authorize`` sends the
  browser back to the client's ``redirect_uri`` with a one-time code;
- ``POST /token`` — exchanges the code (with the PKCE verifier) for an ID token.

Redirect URIs allowed: any path on the console's origin(s), and loopback
redirects ``http://127.0.0.1:<any port>/…`` (or ``[::1]``) for native apps
(RFC 8252 §7.3).  Only the configured client id (the API's audience) may sign in.
"""
import base64
import hashlib
import hmac
import html
import http.server
import json
import re
import secrets
import string
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KID = "dev-issuer-1"
PAGES = Path(__file__).resolve().parent / "issuer_pages"
CODE_TTL_SECONDS = 120
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PKCE_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
PKCE_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")
AUTHORIZE_PARAMS = ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
                    "code_challenge", "code_challenge_method")


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


def local_url(port: int) -> str:
    """The dev issuer's identifier (the ``iss`` claim) when served on ``port``."""
    return f"http://127.0.0.1:{port}"


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


def pkce_challenge(verifier: str) -> str:
    """S256: BASE64URL(SHA256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def is_loopback_redirect(uri: str) -> bool:
    """RFC 8252 §7.3: http on a loopback IP literal, any port, any path."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 (raises on a malformed port)
    except ValueError:
        return False
    return (parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1")
            and not parts.fragment and not parts.username and not parts.password)


class Refused(Exception):
    """A request the issuer refuses: ``error`` is the OAuth error code."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


class Issuer:
    """The provider's logic, independent of HTTP."""

    def __init__(self, state_dir: Path, *, url: str, client_id: str,
                 console_origins: tuple = (), ttl_seconds: int = 3600):
        self.state_dir = Path(state_dir)
        self.url = url
        self.client_id = client_id
        self.console_origins = tuple(o.rstrip("/") for o in console_origins)
        self.ttl_seconds = ttl_seconds
        self.jwks = ensure_keys(self.state_dir).read_bytes()
        self._codes: dict[str, dict] = {}
        self._lock = threading.Lock()

    def discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/.well-known/jwks.json",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "claims_supported": ["iss", "sub", "aud", "exp", "iat", "email", "email_verified",
                                 "nonce"],
            "token_endpoint_auth_methods_supported": ["none"],
            "code_challenge_methods_supported": ["S256"],
        }

    # --- /authorize -------------------------------------------------------
    def redirect_allowed(self, uri: str) -> bool:
        if is_loopback_redirect(uri):
            return True
        try:
            parts = urlsplit(uri)
        except ValueError:
            return False
        if parts.fragment or parts.username or parts.password:
            return False
        return f"{parts.scheme}://{parts.netloc}" in self.console_origins

    def check_client(self, params: dict) -> None:
        """Problems that must not be sent back to the redirect URI (RFC 6749 §4.1.2.1)."""
        client_id = params.get("client_id", "")
        if client_id != self.client_id:
            raise Refused("invalid_client",
                          f"Unknown client_id {client_id!r}; this development issuer knows only "
                          f"{self.client_id!r} (the API's JWT_AUDIENCE).")
        redirect = params.get("redirect_uri", "")
        if not self.redirect_allowed(redirect):
            allowed = ", ".join([f"{o}/…" for o in self.console_origins]
                                + ["http://127.0.0.1:<port>/…"])
            raise Refused("invalid_request",
                          f"redirect_uri {redirect!r} is not allowed; allowed: {allowed}.")

    def check_request(self, params: dict) -> None:
        """Problems reported to the client through its redirect URI."""
        if params.get("response_type") != "code":
            raise Refused("unsupported_response_type", "Only response_type=code is supported.")
        if "openid" not in params.get("scope", "").split():
            raise Refused("invalid_scope", "The scope must include openid.")
        if params.get("code_challenge_method") != "S256":
            raise Refused("invalid_request",
                          "PKCE is required: send code_challenge_method=S256 and a code_challenge.")
        if not PKCE_CHALLENGE.match(params.get("code_challenge", "")):
            raise Refused("invalid_request",
                          "code_challenge must be the BASE64URL SHA-256 of the code verifier "
                          "(43 characters).")

    def issue_code(self, params: dict, email: str) -> str:
        code = secrets.token_urlsafe(32)
        with self._lock:
            now = time.monotonic()
            for old in [c for c, v in self._codes.items() if v["expires"] < now]:
                del self._codes[old]
            self._codes[code] = {
                "client_id": params["client_id"], "redirect_uri": params["redirect_uri"],
                "code_challenge": params["code_challenge"], "nonce": params.get("nonce") or None,
                "email": email, "expires": now + CODE_TTL_SECONDS,
            }
        return code

    # --- /token -----------------------------------------------------------
    def exchange(self, form: dict) -> dict:
        if form.get("grant_type") != "authorization_code":
            raise Refused("unsupported_grant_type", "Only grant_type=authorization_code is supported.")
        with self._lock:  # a code works once, even when the exchange then fails
            grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or grant["expires"] < time.monotonic():
            raise Refused("invalid_grant", "The code is unknown, expired or already used; "
                                           "sign in again.")
        if form.get("client_id") != grant["client_id"]:
            raise Refused("invalid_grant", "client_id differs from the one the code was issued to.")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            raise Refused("invalid_grant",
                          "redirect_uri differs from the one of the authorization request.")
        verifier = form.get("code_verifier", "")
        if not PKCE_VERIFIER.match(verifier):
            raise Refused("invalid_request", "code_verifier is missing or malformed (43-128 "
                                             "characters of A-Z a-z 0-9 - . _ ~).")
        if not hmac.compare_digest(pkce_challenge(verifier), grant["code_challenge"]):
            raise Refused("invalid_grant", "code_verifier does not match the code_challenge.")
        claims = {"nonce": grant["nonce"]} if grant["nonce"] else {}
        token = mint(self.state_dir, grant["email"], issuer=self.url, audience=grant["client_id"],
                     ttl_seconds=self.ttl_seconds, claims=claims)
        # The API takes the ID token as its bearer token (as with Cognito's ID tokens).
        return {"id_token": token, "access_token": token, "token_type": "Bearer",
                "expires_in": self.ttl_seconds, "scope": "openid email"}

    # --- pages ------------------------------------------------------------
    def signin_page(self, params: dict, email: str = "", error: str = "") -> bytes:
        values = {name: params.get(name, "") for name in AUTHORIZE_PARAMS}
        values.update(email=email, error=error, action="/authorize")
        return _render("signin.html", values)

    def error_page(self, message: str) -> bytes:
        return _render("error.html", {"message": message})


def _render(name: str, values: dict) -> bytes:
    template = string.Template((PAGES / name).read_text())
    return template.substitute({k: html.escape(str(v), quote=True) for k, v in values.items()}
                               ).encode()


class IssuerServer:
    """The dev issuer over HTTP on 127.0.0.1 (``port`` 0: a free one), in a thread."""

    def __init__(self, state_dir: Path, *, port: int = 0, client_id: str,
                 console_origins: tuple = (), ttl_seconds: int = 3600):
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.issuer = Issuer(state_dir, url=local_url(self._server.server_address[1]),
                             client_id=client_id, console_origins=console_origins,
                             ttl_seconds=ttl_seconds)
        self._server.issuer = self.issuer
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="dev-issuer")
        self._thread.start()

    @property
    def url(self) -> str:
        return self.issuer.url

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/.well-known/jwks.json"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "dev-issuer"

    @property
    def issuer(self) -> Issuer:
        return self.server.issuer

    def do_GET(self):  # noqa: N802 (http.server's naming)
        parts = urlsplit(self.path)
        if parts.path == "/.well-known/openid-configuration":
            self._json(200, self.issuer.discovery())
        elif parts.path == "/.well-known/jwks.json":
            self._send(200, self.issuer.jwks, "application/json")
        elif parts.path == "/authorize":
            self._authorize(dict(parse_qsl(parts.query)), submitted=False)
        else:
            self._json(404, {"error": "not_found", "message": f"No {parts.path} here."})

    def do_POST(self):  # noqa: N802
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        if length > 16 * 1024:
            self._json(413, {"error": "invalid_request",
                             "error_description": "The body is too large."})
            return
        form = dict(parse_qsl(self.rfile.read(length).decode("utf-8", "replace")))
        if path == "/authorize":
            self._authorize(form, submitted=True)
        elif path == "/token":
            try:
                body = self.issuer.exchange(form)
            except Refused as exc:
                self._json(400, {"error": exc.error, "error_description": exc.description})
            else:
                self._json(200, body)
        else:
            self._json(404, {"error": "not_found", "message": f"No {path} here."})

    def do_OPTIONS(self):  # noqa: N802 (CORS preflight)
        self.send_response(204)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _authorize(self, params: dict, *, submitted: bool) -> None:
        try:
            self.issuer.check_client(params)
        except Refused as exc:
            self._send(400, self.issuer.error_page(exc.description),
                       "text/html; charset=utf-8")
            return
        redirect = params["redirect_uri"]
        state = {"state": params["state"]} if params.get("state") else {}
        try:
            self.issuer.check_request(params)
        except Refused as exc:
            self._redirect(redirect, {"error": exc.error, "error_description": exc.description,
                                      **state})
            return
        email = params.get("email", params.get("login_hint", "")).strip()
        if not submitted:
            page = self.issuer.signin_page(params, email=email if EMAIL.match(email) else "")
            self._send(200, page, "text/html; charset=utf-8")
            return
        if not EMAIL.match(email):
            page = self.issuer.signin_page(
                params, email=email, error="Enter an e-mail address such as alice@example.com.")
            self._send(400, page, "text/html; charset=utf-8")
            return
        code = self.issuer.issue_code(params, email)
        self._redirect(redirect, {"code": code, **state})

    def _redirect(self, uri: str, params: dict) -> None:
        separator = "&" if urlsplit(uri).query else "?"
        self.send_response(302)
        self.send_header("Location", uri + separator + urlencode(params))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _json(self, status: int, body: dict) -> None:
        self._send(status, json.dumps(body).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self._cors()
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy",
                             "default-src 'none'; style-src 'unsafe-inline'; "
                             "frame-ancestors 'none'")
            self.send_header("X-Frame-Options", "DENY")
        self.end_headers()
        self.wfile.write(body)

    def _cors(self) -> None:
        origin = self.headers.get("Origin")
        if origin and origin.rstrip("/") in self.issuer.console_origins:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")

    def log_message(self, *args):
        pass
