"""`make run` serves the console: its files with the security headers, its
config, index.html for console pages; the API allows its origin and no other."""
import requests

from devstack.console import ROOT


def test_console_files_config_and_pages(stack):
    base = stack.console_url
    index = requests.get(f"{base}/", timeout=10)
    assert index.status_code == 200 and '<script type="module" src="/js/main.js">' in index.text
    csp = index.headers["Content-Security-Policy"]
    assert f"connect-src 'self' {stack.api_url} {stack.issuer_url};" in csp
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert index.headers["X-Content-Type-Options"] == "nosniff"
    # console pages are routed in the browser: every page path gets index.html
    for path in ("/clusters/abc", "/invitations/some-token", "/callback?code=x&state=y"):
        page = requests.get(base + path, timeout=10)
        assert page.status_code == 200 and page.text == index.text
    js = requests.get(f"{base}/js/main.js", timeout=10)
    assert js.headers["Content-Type"].startswith("text/javascript")
    assert js.content == (ROOT / "js" / "main.js").read_bytes()
    config = requests.get(f"{base}/config.json", timeout=10).json()
    assert config["apiUrl"] == stack.api_url
    assert config["oidc"]["issuer"] == stack.issuer_url and config["oidc"]["clientId"]
    # a missing file is a 404, not the page; deployment facts and ../ are not served
    assert requests.get(f"{base}/js/nope.js", timeout=10).status_code == 404
    assert requests.get(f"{base}/security-headers.json", timeout=10).status_code == 404
    escaped = requests.get(f"{base}/%2e%2e/Makefile", timeout=10)
    assert "SHELL :=" not in escaped.text and "SHELL :=" not in requests.get(
        f"{base}/js/%2e%2e/%2e%2e/Makefile", timeout=10).text


def test_the_api_allows_the_console_origin_and_no_other(stack):
    url = f"{stack.api_url}/clusters"
    preflight = requests.options(url, timeout=10, headers={
        "Origin": stack.console_url, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert preflight.headers["Access-Control-Allow-Origin"] == stack.console_url
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    # any other origin is told the console's origin only, which the browser refuses
    other = requests.get(url, timeout=10, headers={"Origin": "https://evil.example.com"})
    assert other.status_code == 401  # and its error is JSON as always
    assert other.headers["Access-Control-Allow-Origin"] == stack.console_url
