"""The dev OpenID issuer: discovery, the sign-in page, authorization code +
PKCE (S256), redirect URI rules, and the API accepting what it issues."""
import base64
import hashlib
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

from devstack import issuer
from devstack.stack import stage_env

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = "http://127.0.0.1:8080"
CLIENT = stage_env()["JWT_AUDIENCE"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = issuer.IssuerServer(tmp_path_factory.mktemp("issuer"), client_id=CLIENT,
                            console_origins=(CONSOLE,))
    yield s
    s.close()


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def authorize_params(redirect_uri=f"{CONSOLE}/callback", **overrides):
    verifier, challenge = pkce()
    params = {"response_type": "code", "client_id": CLIENT, "redirect_uri": redirect_uri,
              "scope": "openid email", "state": "st-123", "nonce": "n-456",
              "code_challenge": challenge, "code_challenge_method": "S256"}
    params.update(overrides)
    return verifier, {k: v for k, v in params.items() if v is not None}


def sign_in(server, email="alice@example.com", **overrides):
    """Submit the sign-in form; returns (verifier, params, redirect query)."""
    verifier, params = authorize_params(**overrides)
    resp = requests.post(f"{server.url}/authorize", data={**params, "email": email},
                         allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    location = resp.headers["Location"]
    assert location.startswith(params["redirect_uri"] + "?")
    return verifier, params, parse_qs(urlsplit(location).query)


def exchange(server, code, verifier, redirect_uri=f"{CONSOLE}/callback", **extra):
    form = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
            "client_id": CLIENT, "redirect_uri": redirect_uri, **extra}
    return requests.post(f"{server.url}/token", data=form, timeout=10)


def test_discovery_document_describes_the_endpoints(server):
    doc = requests.get(f"{server.url}/.well-known/openid-configuration", timeout=10).json()
    assert doc["issuer"] == server.url
    assert doc["authorization_endpoint"] == f"{server.url}/authorize"
    assert doc["token_endpoint"] == f"{server.url}/token"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["response_types_supported"] == ["code"]
    keys = requests.get(doc["jwks_uri"], timeout=10).json()["keys"]
    assert keys[0]["kid"] == issuer.KID


def test_sign_in_page_has_an_email_field_and_a_sign_in_button(server):
    _, params = authorize_params(login_hint="carol@example.com")
    resp = requests.get(f"{server.url}/authorize", params=params, timeout=10)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/html")
    page = resp.text
    assert '<label for="email">Email</label>' in page
    assert 'value="carol@example.com"' in page
    assert ">Sign in</button>" in page
    # the request travels with the form, escaped
    assert f'value="{params["code_challenge"]}"' in page
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]


def test_code_and_pkce_verifier_give_a_signed_id_token(server):
    verifier, params, query = sign_in(server, "Alice@Example.com")
    assert query["state"] == ["st-123"]
    resp = exchange(server, query["code"][0], verifier)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    assert resp.headers["Cache-Control"] == "no-store"
    key = jwt.PyJWKClient(f"{server.url}/.well-known/jwks.json").get_signing_key_from_jwt(
        body["id_token"])
    claims = jwt.decode(body["id_token"], key.key, algorithms=["RS256"], audience=CLIENT,
                        issuer=server.url)
    assert claims["email"] == "Alice@Example.com"
    assert claims["email_verified"] is True
    assert claims["nonce"] == "n-456"


def test_a_code_works_once(server):
    verifier, _, query = sign_in(server)
    assert exchange(server, query["code"][0], verifier).status_code == 200
    again = exchange(server, query["code"][0], verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("change, error", [
    ({"code_verifier": "x" * 43}, "invalid_grant"),          # not the challenge's verifier
    ({"code_verifier": "short"}, "invalid_request"),
    ({"redirect_uri": f"{CONSOLE}/elsewhere"}, "invalid_grant"),
    ({"client_id": "another-client"}, "invalid_grant"),
    ({"grant_type": "password"}, "unsupported_grant_type"),
])
def test_token_exchange_checks_everything(server, change, error):
    verifier, _, query = sign_in(server)
    form = {"grant_type": "authorization_code", "code": query["code"][0],
            "code_verifier": verifier, "client_id": CLIENT,
            "redirect_uri": f"{CONSOLE}/callback", **change}
    resp = requests.post(f"{server.url}/token", data=form, timeout=10)
    assert resp.status_code == 400
    assert resp.json()["error"] == error
    assert resp.json()["error_description"]


@pytest.mark.parametrize("redirect_uri", [
    f"{CONSOLE}/callback",
    "http://127.0.0.1:53123/callback",   # a native app's loopback listener, any port
    "http://127.0.0.1:8/",
    "http://[::1]:40000/cb",
])
def test_allowed_redirects(server, redirect_uri):
    verifier, _, query = sign_in(server, redirect_uri=redirect_uri)
    assert exchange(server, query["code"][0], verifier, redirect_uri=redirect_uri).ok


@pytest.mark.parametrize("redirect_uri", [
    "https://evil.example.com/callback",
    "http://127.0.0.1.evil.example.com/cb",
    "http://localhost:9999/cb",
    "http://127.0.0.1:8080/cb#fragment",
    "http://user@127.0.0.1:8080/cb",
    "http://127.0.0.1:8080:1/cb",
    "",
])
def test_other_redirects_are_refused_on_the_issuer_page(server, redirect_uri):
    _, params = authorize_params(redirect_uri=redirect_uri)
    for resp in (requests.get(f"{server.url}/authorize", params=params, allow_redirects=False,
                              timeout=10),
                 requests.post(f"{server.url}/authorize",
                               data={**params, "email": "a@example.com"},
                               allow_redirects=False, timeout=10)):
        assert resp.status_code == 400
        assert "Location" not in resp.headers
        assert "is not allowed" in resp.text


def test_unknown_client_is_refused(server):
    _, params = authorize_params(client_id="someone-else")
    resp = requests.get(f"{server.url}/authorize", params=params, timeout=10)
    assert resp.status_code == 400 and "Unknown client_id" in resp.text


@pytest.mark.parametrize("overrides, error", [
    ({"code_challenge": None}, "invalid_request"),
    ({"code_challenge_method": "plain"}, "invalid_request"),
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"scope": "email"}, "invalid_scope"),
])
def test_bad_requests_go_back_to_the_client_with_an_error(server, overrides, error):
    _, params = authorize_params(**overrides)
    resp = requests.get(f"{server.url}/authorize", params=params, allow_redirects=False,
                        timeout=10)
    assert resp.status_code == 302
    query = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert query["error"] == [error] and query["state"] == ["st-123"]
    assert query["error_description"][0]


def test_a_bad_email_shows_the_form_again_with_what_was_typed(server):
    _, params = authorize_params()
    resp = requests.post(f"{server.url}/authorize", data={**params, "email": "<b>nope"},
                         allow_redirects=False, timeout=10)
    assert resp.status_code == 400
    assert "Enter an e-mail address" in resp.text
    assert 'value="&lt;b&gt;nope"' in resp.text


def test_cors_only_for_the_console(server):
    url = f"{server.url}/.well-known/openid-configuration"
    ok = requests.get(url, headers={"Origin": CONSOLE}, timeout=10)
    assert ok.headers["Access-Control-Allow-Origin"] == CONSOLE
    other = requests.get(url, headers={"Origin": "https://evil.example.com"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in other.headers


def test_the_stack_issuer_signs_tokens_the_api_accepts(stack):
    doc = requests.get(f"{stack.issuer_url}/.well-known/openid-configuration", timeout=10).json()
    verifier, challenge = pkce()
    redirect = f"{stack.console_url}/callback"
    resp = requests.post(doc["authorization_endpoint"], allow_redirects=False, timeout=10, data={
        "response_type": "code", "client_id": CLIENT, "redirect_uri": redirect,
        "scope": "openid email", "state": "s", "code_challenge": challenge,
        "code_challenge_method": "S256", "email": "dora@example.com"})
    code = parse_qs(urlsplit(resp.headers["Location"]).query)["code"][0]
    token = requests.post(doc["token_endpoint"], timeout=10, data={
        "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
        "client_id": CLIENT, "redirect_uri": redirect}).json()["id_token"]
    resp = requests.get(f"{stack.api_url}/clusters", timeout=10,
                        headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.text


def test_make_token_still_mints_tokens_the_api_accepts(stack):
    port = urlsplit(stack.issuer_url).port
    out = subprocess.run(
        [sys.executable, "-m", "devstack", "token", "--email", "erin@example.com",
         "--issuer-port", str(port), "--state-dir", str(stack.state_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("JWT_")}).stdout
    token = out.strip().splitlines()[-1]
    resp = requests.get(f"{stack.api_url}/clusters", timeout=10,
                        headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.text
