"""Signing in (OIDC authorization code + PKCE through a local redirect),
profiles, and shell completion."""
import sys

import click

from cluster_manager_cli.errors import NOT_SIGNED_IN, CliError, usage
from cluster_manager_cli.options import common, pass_state
from cluster_manager_cli.output import emit, note

LOGIN_TIMEOUT = 300


def discover_issuer(api_url: str) -> tuple[str | None, str | None]:
    """The issuer's discovery URL and client id the API advertises in its
    OpenAPI document (an ``openIdConnect`` security scheme), if any."""
    from cluster_manager_cli.client import Api

    try:
        doc = Api(api_url, None).get("/openapi.json", auth=False)
    except CliError:
        return None, None
    for scheme in (doc.get("components", {}).get("securitySchemes") or {}).values():
        if scheme.get("type") == "openIdConnect" and scheme.get("openIdConnectUrl"):
            return scheme["openIdConnectUrl"], scheme.get("x-client-id")
    return None, None


def _get_json(session, url: str, what: str) -> dict:
    import requests

    try:
        resp = session.get(url, timeout=30)
        resp.raise_for_status()
        return resp.json()
    except (requests.RequestException, ValueError) as exc:
        raise CliError(f"Cannot read the {what} at {url} ({exc}).", NOT_SIGNED_IN) from None


class Callback:
    """The local redirect listener: one request to /callback with code and state."""

    def __init__(self, port: int = 0):
        import http.server
        import threading
        from importlib.resources import files

        page = files("cluster_manager_cli").joinpath("signed_in.html").read_text()
        self.result: dict = {}
        self.done = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                from urllib.parse import parse_qs, urlsplit

                parts = urlsplit(self.path)
                if parts.path != "/callback":
                    self.send_error(404)
                    return
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                ok = "code" in query
                title = "Signed in" if ok else "Sign-in failed"
                message = ("You can close this tab and return to the terminal." if ok else
                           query.get("error_description") or query.get("error", "no code"))
                body = page.format(title=title, message=_escape(message)).encode()
                self.send_response(200 if ok else 400)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                if not outer.done.is_set():
                    outer.result = query
                    outer.done.set()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/callback"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def pkce() -> tuple[str, str]:
    import base64
    import hashlib
    import secrets

    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


def claims_of(token: str) -> dict:
    import base64
    import json

    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}


def _issuer(api_url: str, issuer: str | None, client_id: str | None) -> tuple[str, str]:
    """``(discovery URL, client id)``: given, or as the API advertises them."""
    discovery_url, advertised_client = None, None
    if issuer:
        discovery_url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    else:
        discovery_url, advertised_client = discover_issuer(api_url)
        if not discovery_url:
            raise CliError(f"The API at {api_url} does not advertise its sign-in issuer; pass "
                           "--issuer URL (and --client-id ID) or set CM_ISSUER.", NOT_SIGNED_IN)
    if not (client_id or advertised_client):
        raise usage("The client id is unknown: pass --client-id ID or set CM_CLIENT_ID.")
    return discovery_url, client_id or advertised_client


def _browser_code(authorize_url: str, query: dict, callback, open_browser: bool,
                  timeout: float) -> str:
    """Send the user to the issuer and wait for the redirect; the code it carries."""
    from urllib.parse import urlencode

    url = authorize_url + ("&" if "?" in authorize_url else "?") + urlencode(query)
    print(f"Open this URL to sign in:\n{url}", file=sys.stderr, flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    if not callback.done.wait(timeout):
        raise CliError(f"No sign-in within {timeout:g} s; run login again.", NOT_SIGNED_IN)
    result = callback.result
    if result.get("state") != query["state"]:
        raise CliError("The sign-in answer does not belong to this login (state mismatch); "
                       "run login again.", NOT_SIGNED_IN)
    if "code" not in result:
        why = result.get("error_description") or result.get("error")
        raise CliError(f"The issuer refused the sign-in: {why}.", NOT_SIGNED_IN)
    return result["code"]


def _exchange(session, token_url: str, form: dict) -> dict:
    import requests

    try:
        resp = session.post(token_url, data=form, timeout=30)
        tokens = resp.json()
    except (requests.RequestException, ValueError) as exc:
        raise CliError(f"The token endpoint failed ({exc}).", NOT_SIGNED_IN) from None
    if resp.status_code != 200 or "id_token" not in tokens:
        why = tokens.get("error_description") or tokens.get("error") or resp.status_code
        raise CliError(f"The token endpoint refused the code: {why}.", NOT_SIGNED_IN)
    return tokens


def sign_in(api_url: str, issuer: str | None, client_id: str | None, *, open_browser: bool,
            port: int, timeout: float) -> dict:
    """OIDC authorization code flow with PKCE (S256) and a loopback redirect."""
    import secrets

    import requests

    discovery_url, client_id = _issuer(api_url, issuer, client_id)
    session = requests.Session()
    meta = _get_json(session, discovery_url, "issuer's discovery document")
    missing = [k for k in ("authorization_endpoint", "token_endpoint") if k not in meta]
    if missing:
        raise CliError(f"The discovery document at {discovery_url} has no {missing[0]}.",
                       NOT_SIGNED_IN)
    verifier, challenge = pkce()
    nonce = secrets.token_urlsafe(16)
    callback = Callback(port)
    redirect_uri = callback.redirect_uri
    try:
        code = _browser_code(meta["authorization_endpoint"], {
            "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
            "scope": "openid email",
            "state": secrets.token_urlsafe(16), "nonce": nonce, "code_challenge": challenge,
            "code_challenge_method": "S256"}, callback, open_browser, timeout)
    finally:
        callback.close()
    tokens = _exchange(session, meta["token_endpoint"], {
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "client_id": client_id, "code_verifier": verifier})
    claims = claims_of(tokens["id_token"])
    if claims.get("nonce") not in (None, nonce):
        raise CliError("The ID token's nonce does not match this login; run login again.",
                       NOT_SIGNED_IN)
    return {"token": tokens["id_token"], "email": claims.get("email"),
            "expires_at": claims.get("exp"), "client_id": client_id,
            "issuer": discovery_url.rsplit("/.well-known/", 1)[0]}


@click.command("login")
@click.option("--issuer", envvar="CM_ISSUER", metavar="URL",
              help="The OIDC issuer (default: what the API advertises; $CM_ISSUER).")
@click.option("--client-id", envvar="CM_CLIENT_ID", metavar="ID",
              help="The OIDC client id (default: what the API advertises; $CM_CLIENT_ID).")
@click.option("--no-browser", is_flag=True, help="Only print the sign-in URL.")
@click.option("--port", type=int, default=0, help="Local redirect port (default: any free one).")
@click.option("--timeout", type=float, default=LOGIN_TIMEOUT, show_default=True,
              help="Seconds to wait for the browser.")
@common
@pass_state
def login(state, issuer, client_id, no_browser, port, timeout):
    """Sign in through the OIDC issuer in a browser and keep the token in the profile.

    \b
    Example:  cluster-manager login --api-url https://cm.example.com
              cluster-manager login --profile staging --no-browser \\
                  --api-url https://cm-staging.example.com
    """
    from cluster_manager_cli import config

    name = state.profile_name
    url = state.resolved_url()
    saved = config.profile(name)
    got = sign_in(url, issuer or saved.get("issuer"), client_id or saved.get("client_id"),
                  open_browser=not no_browser, port=port, timeout=timeout)
    config.update_profile(name, api_url=url, **got)
    data = config.load()
    if not data["profiles"].get(data["current"]) or len(data["profiles"]) == 1:
        data["current"] = name
        config.save(data)
    note(f"Signed in as {got['email']} (profile {name}, API {url}).")


@click.command("logout")
@common
@pass_state
def logout(state):
    """Forget the profile's token.

    \b
    Example:  cluster-manager logout --profile staging
    """
    from cluster_manager_cli import config

    config.update_profile(state.profile_name, token=None, email=None, expires_at=None)
    note(f"Signed out of profile {state.profile_name}.")


profiles = click.Group("profiles", help="Named profiles, one per installation.")


@profiles.command("list")
@common
@pass_state
def profiles_list(state):
    """List profiles with their API, user and token expiry.

    \b
    Example:  cluster-manager profiles list
    """
    import datetime

    from cluster_manager_cli import config

    data = config.load()
    rows = []
    for name, p in sorted(data["profiles"].items()):
        exp = p.get("expires_at")
        rows.append({"current": "*" if name == data["current"] else "", "name": name,
                     "api_url": p.get("api_url"), "email": p.get("email"),
                     "expires_at": datetime.datetime.fromtimestamp(
                         exp, datetime.timezone.utc).isoformat() if exp else None})
    emit(state, rows, columns=["current", "name", "api_url", "email", "expires_at"],
         id_key="name")


@profiles.command("use")
@click.argument("name")
@common
def profiles_use(name):
    """Make a profile the default.

    \b
    Example:  cluster-manager profiles use staging
    """
    from cluster_manager_cli import config

    data = config.load()
    if name not in data["profiles"]:
        raise usage(f"No profile {name!r}; `cluster-manager profiles list` shows them.")
    data["current"] = name
    config.save(data)
    note(f"Profile {name} is now the default.")


@profiles.command("remove")
@click.argument("name")
@common
def profiles_remove(name):
    """Delete a profile and its token.

    \b
    Example:  cluster-manager profiles remove old
    """
    from cluster_manager_cli import config

    data = config.load()
    if data["profiles"].pop(name, None) is None:
        raise usage(f"No profile {name!r}.")
    config.save(data)
    note(f"Profile {name} removed.")


@click.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh"]))
def completion(shell):
    """Print the shell completion script for bash or zsh.

    \b
    Example:  cluster-manager completion bash \\
                  > ~/.local/share/bash-completion/completions/cluster-manager
              echo 'eval "$(cluster-manager completion zsh)"' >> ~/.zshrc
    """
    from click.shell_completion import get_completion_class

    from cluster_manager_cli.main import cli

    cls = get_completion_class(shell)
    click.echo(cls(cli, {}, "cluster-manager", "_CLUSTER_MANAGER_COMPLETE").source())
