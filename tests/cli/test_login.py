"""``cluster-manager login``: the real OIDC code + PKCE flow against the
stack's dev issuer.  The CLI (``--no-browser``) prints the sign-in URL; the
test plays the browser: it opens that page, fills in the Email field, submits
the form and follows the redirect to the CLI's local listener."""
import html
import os
import re
import stat
import subprocess
import time
from urllib.parse import urljoin

import requests

from tests.cli.conftest import EXE, Cli, unique


def start_login(home: Cli, api_url: str, *extra) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([str(EXE), "login", "--api-url", api_url, "--no-browser",
                             "--timeout", "60", *extra], env=home.env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        if line.startswith("http"):
            return proc, line.strip()
    proc.kill()
    raise AssertionError(f"login printed no URL: {proc.communicate()}")


def play_browser(url: str, email: str) -> requests.Response:
    browser = requests.Session()
    page = browser.get(url, timeout=30)
    assert page.status_code == 200 and "Sign in" in page.text, page.text
    form = re.search(r'<form method="post" action="([^"]*)">(.*?)</form>', page.text, re.S)
    assert form, page.text
    fields = {html.unescape(name): html.unescape(value) for name, value in re.findall(
        r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', form.group(2), re.S)}
    assert "email" in fields and "code_challenge" in fields
    fields["email"] = email
    return browser.post(urljoin(url, html.unescape(form.group(1))), data=fields, timeout=30)


def test_login_signs_in_through_the_issuer_and_keeps_the_token_private(stack, tmp_path):
    home = Cli(tmp_path / "home", stack.api_url, None)
    del home.env["CM_API_URL"]  # everything comes from login's --api-url and the profile
    email = f"{unique('login')}@example.com"
    proc, url = start_login(home, stack.api_url, "--profile", "work")
    assert url.startswith(stack.issuer_url + "/authorize?")
    assert "code_challenge_method=S256" in url and "redirect_uri=http%3A%2F%2F127.0.0.1" in url
    landed = play_browser(url, email)
    assert landed.status_code == 200 and "Signed in" in landed.text  # the CLI's own page
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert f"Signed in as {email} (profile work" in err

    config = tmp_path / "home" / "config" / "config.json"
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
    listed = home.ok("clusters", "list", "-o", "json")  # the only profile: now the default
    assert listed.json() == []
    created = home.ok("clusters", "create", "mine", "--type", "openshift", "-o", "json").json()
    assert created["creator"] == email
    profiles = home.ok("profiles", "list", "-o", "json").json()
    assert profiles == [{"current": "*", "name": "work", "api_url": stack.api_url,
                         "email": email, "expires_at": profiles[0]["expires_at"]}]
    home.ok("logout")
    signed_out = home("clusters", "list")
    assert signed_out.code == 3 and "login --profile work" in signed_out.err


def test_a_refused_sign_in_leaves_nothing_behind(stack, tmp_path):
    home = Cli(tmp_path / "home", stack.api_url, None)
    proc, url = start_login(home, stack.api_url)
    browser = requests.Session()
    # the user's answer comes back with another state (a forged or stale redirect)
    redirect = re.search(r"redirect_uri=([^&]+)", url).group(1)
    from urllib.parse import unquote

    landed = browser.get(unquote(redirect) + "?code=abc&state=forged", timeout=30)
    assert landed.status_code == 200
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 3 and "state mismatch" in err and "Traceback" not in err
    assert not (tmp_path / "home" / "config" / "config.json").exists()
