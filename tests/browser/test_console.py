"""The web console in a real browser (Chromium), against the local stack and
the real agent process.  Each test leaves a screenshot of its last page in
test-output/browser/."""
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.apiclient import Api, unique_email
from tests.agent.process import AgentProcess, installation_parameters, wait_for
from tests.e2e.helpers import invitation_token, make_member

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


@pytest.fixture
def creator(stack, mint):
    email = unique_email("manager")
    api = Api(stack.api_url, mint(email))
    api.email = email
    return api


def create_cluster(api, name="prod", type_="kubernetes") -> dict:
    resp = api.post("/clusters", json={"name": name, "type": type_})
    assert resp.status_code == 201, resp.text
    return resp.json()


def add_namespace(api, cluster_id, name) -> None:
    resp = api.post("/clusters/{cluster_id}/namespaces", cluster_id=cluster_id,
                    json={"name": name, "installation_type": "connected"})
    assert resp.status_code == 201, resp.text


def ns_path(cluster_id, name, tab=""):
    return f"/clusters/{cluster_id}/namespaces/{name}" + (f"/{tab}" if tab else "")


def test_sign_in_keeps_tokens_in_session_storage_and_sign_out_clears_them(console, stack):
    email = unique_email("alice")
    page = console.open(email)
    expect(page.get_by_role("heading", name="Clusters", level=1)).to_be_visible()
    stored = page.evaluate("() => [sessionStorage.length, localStorage.length, "
                           "JSON.parse(sessionStorage.getItem('cm.session')).email]")
    assert stored == [1, 0, email]
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You are signed out")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('cm.session')") is None
    assert page.errors == []


def test_create_cluster_and_namespace_copy_the_command_and_watch_the_agent(console, stack,
                                                                           mint, tmp_path):
    email = unique_email("carla")
    page = console.open(email)
    page.get_by_label("Name", exact=True).fill("prod-eu")
    page.get_by_label("Type").select_option("openshift")
    page.get_by_role("button", name="Create cluster").click()
    expect(page.get_by_role("heading", name="prod-eu", level=1)).to_be_visible()

    # the DNS-1123 rule is explained as the user types
    name = page.get_by_label("Namespace name")
    name.fill("Team_A")
    expect(page.locator("[data-field=name] .problem").first).to_have_text(
        "Use lowercase letters only.")
    name.fill("team-a")
    expect(page.locator("[data-field=name] .problem").first).to_have_text("")
    page.get_by_role("button", name="Add namespace").click()
    expect(page.get_by_role("heading", name="Namespace team-a")).to_be_visible()
    status = page.get_by_test_id("namespace-status")
    expect(status).to_have_text("waiting for connection")

    # Installation tab: copy the command
    script = page.locator("#installation-script")
    expect(script).to_contain_text("Installation Successful")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_text("Copied to the clipboard.")).to_be_visible()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == script.text_content() and copied.startswith("#!")

    # the agent starts: the badge turns connected with no reload
    cluster_id = re.search(r"/clusters/([^/]+)/", page.url).group(1)
    api = Api(stack.api_url, mint(email))
    params = installation_parameters(api, {"cluster_id": cluster_id, "namespace": "team-a"})
    page.evaluate("() => { window.notReloaded = true; }")
    agent = AgentProcess(params, tmp_path / "agent")
    try:
        expect(status).to_have_text("connected", timeout=30_000)
        expect(page.locator(".badge[data-status=connected]").first).to_be_visible()
    finally:
        agent.stop()
    # … and stops: disconnected, with when it was last seen
    expect(status).to_contain_text("disconnected", timeout=30_000)
    expect(status).to_contain_text("last seen")
    assert page.evaluate("() => window.notReloaded") is True
    # the cluster page shows it too
    page.get_by_role("link", name="prod-eu").click()
    expect(page.locator("tr[data-namespace=team-a]")).to_contain_text("disconnected")
    assert page.errors == []
