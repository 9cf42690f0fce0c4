"""The HTTP side: one ``Api`` per invocation, errors turned into ``CliError``s.

``--verbose`` logs every request on stderr (``cm: POST /clusters → 201``), so
a script can see exactly which calls a command made.
"""
import json
import sys
import time
from urllib.parse import quote

from cluster_manager_cli.errors import NOT_SIGNED_IN, ApiRefused, CliError

TIMEOUT = 30


def login_hint(profile: str) -> str:
    flag = "" if profile == "default" else f" --profile {profile}"
    return f"run `cluster-manager login{flag}` (or pass --token / set CM_TOKEN)"


def token_expired(token: str) -> bool:
    """True when the token is a JWT whose ``exp`` is past (no signature check:
    the API does that; this only spares a round trip and gives a clearer message)."""
    import base64

    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return isinstance(claims.get("exp"), (int, float)) and claims["exp"] < time.time()
    except (IndexError, ValueError, AttributeError):
        return False


class Api:
    def __init__(self, url: str, token: str | None, *, profile: str = "default",
                 verbose: bool = False):
        import threading

        self.url = url.rstrip("/")
        self.token = token
        self.profile = profile
        self.verbose = verbose
        self._local = threading.local()  # one HTTP session per thread (apply reads in parallel)

    @property
    def session(self):
        if not hasattr(self._local, "session"):
            import requests

            self._local.session = requests.Session()
            self._local.session.headers["User-Agent"] = "cluster-manager-cli/1.0"
        return self._local.session

    def path(self, template: str, **params) -> str:
        return template.format(**{k: quote(str(v), safe="@:") for k, v in params.items()})

    def require_token(self) -> None:
        if not self.token:
            raise CliError(f"Not signed in: {login_hint(self.profile)}.", NOT_SIGNED_IN)
        if token_expired(self.token):
            raise CliError(f"Your sign-in has expired: {login_hint(self.profile)}.",
                           NOT_SIGNED_IN)

    def request(self, method: str, path: str, *, json_body=None, params=None, auth=True,
                ok=(200, 201, 202, 204)):
        import requests

        if auth:
            self.require_token()
        headers = {"Authorization": f"Bearer {self.token}"} if auth else {}
        url = self.url + path
        started = time.monotonic()
        try:
            resp = self.session.request(method, url, json=json_body, params=params,
                                        headers=headers, timeout=TIMEOUT)
        except requests.RequestException as exc:
            reason = type(exc).__name__
            if isinstance(exc, requests.ConnectionError):
                reason = "connection refused or host unreachable"
            elif isinstance(exc, requests.Timeout):
                reason = f"no answer within {TIMEOUT} s"
            raise CliError(f"Cannot reach the API at {self.url} ({reason}); check --api-url / "
                           "CM_API_URL and that the server is running.") from None
        if self.verbose:
            took = (time.monotonic() - started) * 1000
            print(f"cm: {method} {path} → {resp.status_code} ({took:.0f} ms)", file=sys.stderr)
        if resp.status_code in ok:
            if resp.status_code == 204 or not resp.content:
                return None
            try:
                return resp.json()
            except ValueError:
                raise CliError(f"The API at {self.url} answered {method} {path} with something "
                               "that is not JSON; is --api-url the Cluster Manager API?") from None
        self._refuse(method, path, resp)

    def _refuse(self, method: str, path: str, resp):
        try:
            body = resp.json()
            error, message = body.get("error", "error"), body.get("message") or resp.reason
        except (ValueError, AttributeError):
            body, error, message = None, "error", (resp.text.strip()[:200] or resp.reason)
        if resp.status_code == 401:
            lower = str(message).lower()
            what = ("Your sign-in has expired" if "expired" in lower
                    else f"Not signed in ({message})")
            raise ApiRefused(401, error, f"{what}: {login_hint(self.profile)}.", body)
        raise ApiRefused(resp.status_code, error, f"{message} (HTTP {resp.status_code})", body)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, json_body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, json_body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, json_body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def all_pages(self, path: str, params: dict | None = None) -> list:
        items, token = [], None
        while True:
            query = {**(params or {}), "limit": 100, **({"next_token": token} if token else {})}
            page = self.get(path, params=query)
            items.extend(page["items"])
            token = page.get("next_token")
            if not token:
                return items
