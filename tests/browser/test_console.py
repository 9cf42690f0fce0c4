"""The web console in a real browser (Chromium), against the local stack and
the real agent process.  Each test leaves a screenshot of its last page in
test-output/browser/."""
import re

import pytest
from playwright.sync_api import expect

from tests.apiclient import Api, unique_email
from tests.agent.process import AgentProcess, fault, installation_parameters, wait_for
from tests.e2e.helpers import invitation_token, make_member, sent_mail


@pytest.fixture
def creator(user):
    """The cluster manager: a fresh signed-in user."""
    return user


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


def test_invite_a_member_who_accepts_from_the_mail_link(console, stack, creator):
    cluster = create_cluster(creator)
    add_namespace(creator, cluster["cluster_id"], "team-b")
    page = console.open(creator.email, ns_path(cluster["cluster_id"], "team-b", "members"))
    bob = unique_email("bob")
    page.get_by_label("Email").fill(bob)
    page.get_by_label("Role").select_option("custom")
    page.get_by_label("View app logs").check()
    page.get_by_label("Change the number of replicas").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {bob}.")).to_be_visible()
    row = page.locator(f"tr[data-member='{bob}']")
    expect(row).to_contain_text("pending")
    expect(row).to_contain_text("view logs")

    # the mail, as sent through the local stack's SES, links to the console
    token = invitation_token(stack, bob)
    mail = sent_mail(stack, bob)[-1]["body"]
    link = re.search(r"https?://\S+/invitations/" + re.escape(token), mail).group(0)
    assert link.startswith(stack.console_url)
    path = link[len(stack.console_url):]

    # someone else opening it is told, in words, what to do
    intruder = console.open(unique_email("eve"), path)
    intruder.get_by_role("button", name="Accept invitation").click()
    expect(intruder.get_by_role("alert")).to_contain_text("sign in with that email address")
    expect(intruder.get_by_role("button", name="Sign in with another address")).to_be_visible()

    # the invitee, in a fresh browser, signs in and accepts
    invitee = console.open(bob, path)
    expect(invitee.get_by_role("heading", name="Accept invitation")).to_be_visible()
    invitee.get_by_role("button", name="Accept invitation").click()
    invitee.get_by_role("link", name="Open namespace team-b").click()
    expect(invitee.get_by_role("heading", name="Namespace team-b")).to_be_visible()

    # the creator's list shows bob active
    page.reload()
    expect(page.locator(f"tr[data-member='{bob}']")).to_contain_text("active")
    # used once: a second accept is explained
    invitee.goto(stack.console_url + path)
    invitee.get_by_role("button", name="Accept invitation").click()
    expect(invitee.get_by_role("alert")).to_contain_text("already been used")
    expect(invitee.get_by_role("alert")).to_contain_text("Each invitation link works once")
    console.last_page = invitee
    assert page.errors == [] and invitee.errors == []


@pytest.fixture
def connected(stack, creator, tmp_path):
    """A cluster with namespace team-c whose real agent (simulate mode) is connected."""
    cluster = create_cluster(creator, "shop")
    add_namespace(creator, cluster["cluster_id"], "team-c")
    where = {"cluster_id": cluster["cluster_id"], "namespace": "team-c"}
    agent = AgentProcess(installation_parameters(creator, where), tmp_path / "agent")
    try:
        wait_for(lambda: creator.get("/clusters/{cluster_id}/namespaces/{namespace}", **where)
                 .json()["status"] == "connected", 30, "the agent to connect")
        yield {**where, "dir": tmp_path / "agent"}
    finally:
        agent.close()


def test_plans_from_the_catalogue_and_an_environment_retried_to_ready(console, creator, connected):
    page = console.open(creator.email, ns_path(connected["cluster_id"], "team-c", "plans"))
    form = page.locator("form[aria-labelledby=plan-form]")
    # a Postgres plan: fields from the catalogue, the password write-only
    form.get_by_label("Plan name").fill("pg-main")
    form.get_by_label("Kind").select_option("database")
    form.get_by_label("Type").select_option("postgres")
    form.get_by_label("Host").fill("db.internal.example.com")
    expect(form.get_by_label("Port")).to_have_value("5432")
    form.get_by_label("Database", exact=True).fill("apps")
    form.get_by_label("User").fill("admin")
    expect(form.get_by_label("Password")).to_have_attribute("type", "password")
    form.get_by_label("Password").fill("s3cret-pw")
    form.get_by_role("button", name="Save plan").click()
    expect(form.get_by_role("status")).to_have_text("Plan pg-main created.")
    row = page.locator("tr[data-plan=pg-main]")
    expect(row).to_contain_text("password: ***")
    expect(row).not_to_contain_text("s3cret-pw")
    row.get_by_role("button", name="Deactivate").click()
    expect(page.locator("tr[data-plan=pg-main]")).to_contain_text("inactive")
    # ephemeral database and storage plans
    for name, kind in (("db", "database"), ("files", "storage")):
        form.get_by_label("Plan name").fill(name)
        form.get_by_label("Kind").select_option(kind)
        form.get_by_label("Type").select_option("ephemeral")
        form.get_by_role("button", name="Save plan").click()
        expect(form.get_by_role("status")).to_have_text(f"Plan {name} created.")

    # the environment: only active plans are offered; two failures, then ready
    fault(connected["dir"], "--fail-next", "2", "--message", "database server unreachable (injected)")
    page.get_by_role("link", name="Environments").click()
    create = page.locator("form[aria-labelledby=create-env]")
    # pg-main is deactivated
    expect(create.get_by_label("Database plan").locator("option")).to_have_text(["db (ephemeral)"])
    create.get_by_label("Environment name").fill("webshop")
    page.evaluate("""() => { window.seen = new Set();
        new MutationObserver(() => { const r = document.querySelector('tr[data-environment=webshop]');
          if (r) window.seen.add(r.textContent); }).observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
    create.get_by_role("button", name="Create environment").click()
    row = page.locator("tr[data-environment=webshop]")
    expect(row.locator(".badge")).to_have_text("ready", timeout=30_000)
    seen = " | ".join(page.evaluate("() => [...window.seen]"))
    assert "attempt 1 of 5" in seen and "attempt 2 of 5" in seen, seen
    assert "last error: database server unreachable (injected)" in seen, seen
    assert "next attempt in" in seen or "next attempt starting" in seen, seen
    assert page.errors == []


def test_a_developer_sees_no_forbidden_actions(console, stack, creator, other_user):
    cluster = create_cluster(creator, "shared")
    cid = cluster["cluster_id"]
    add_namespace(creator, cid, "team-d")
    put = creator.put("/clusters/{cluster_id}/namespaces/{namespace}/operate", cluster_id=cid,
                      namespace="team-d", json={"logs_url": "https://logs.example.com/team-d",
                                                "backups_url": "https://backups.example.com/d"})
    assert put.status_code == 200, put.text
    dev = other_user
    make_member(stack, creator, dev, cid, "team-d", "developer")

    page = console.open(dev.email, f"/clusters/{cid}")
    expect(page.get_by_role("heading", name="shared", level=1)).to_be_visible()
    expect(page.locator("tr[data-namespace=team-d]")).to_be_visible()
    for absent in ("Add namespace", "Delete cluster…", "Save"):
        expect(page.get_by_role("button", name=absent, exact=True)).to_have_count(0)

    page.get_by_role("link", name="team-d").click()
    expect(page.get_by_role("heading", name="Namespace team-d")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Namespace sections").get_by_role("link")
    expect(tabs).to_have_text(["Operate", "Plans", "Configuration", "Environments", "Activity"])
    # environments: a developer may not manage them (no create form, no delete)
    expect(page.get_by_role("heading", name="Environments", level=2)).to_be_visible()
    expect(page.get_by_role("button", name="Create environment")).to_have_count(0)
    # operate: only the links the developer's rights allow (logs yes, backups no)
    page.get_by_role("link", name="Operate").click()
    expect(page.get_by_role("link", name="https://logs.example.com/team-d")).to_be_visible()
    expect(page.get_by_text("backups.example.com")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Save"))).to_have_count(0)
    page.get_by_role("link", name="Plans").click()
    expect(page.get_by_role("heading", name="Plans", level=2)).to_be_visible()
    expect(page.get_by_role("button", name="Save plan")).to_have_count(0)
    expect(page.get_by_role("button", name="Add plan")).to_have_count(0)
    assert page.errors == []


def test_api_errors_are_shown_in_words_next_to_their_cause(console, creator):
    cluster = create_cluster(creator, "errs")
    add_namespace(creator, cluster["cluster_id"], "taken")
    page = console.open(creator.email, f"/clusters/{cluster['cluster_id']}")
    form = page.locator("form[aria-labelledby=add-ns]")
    form.get_by_label("Namespace name").fill("taken")
    form.get_by_role("button", name="Add namespace").click()
    expect(form.get_by_role("alert")).to_contain_text("already")
    expect(form.get_by_label("Namespace name")).to_have_value("taken")  # kept as typed

    # a field the API refuses: its message lands next to that field
    rename = page.locator("form[aria-labelledby=edit-cluster]")
    rename.get_by_label("Name").fill("   ")
    rename.get_by_role("button", name="Save").click()
    expect(rename.get_by_role("alert")).to_contain_text("name")
    expect(rename.locator("[data-field=name] .problem")).not_to_have_text("")
    expect(rename.get_by_label("Name")).to_have_value("   ")

    # deleting a namespace asks first, says what stays on the platform, then goes back
    page.goto(page.url + "/namespaces/taken/installation")
    page.get_by_role("button", name="Delete namespace…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("What stays on the platform")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("heading", name="Namespace taken")).to_be_visible()
    page.get_by_role("button", name="Delete namespace…").click()
    dialog.get_by_role("button", name="Delete namespace").click()
    expect(page.get_by_role("heading", name="errs", level=1)).to_be_visible()
    expect(page.locator("tr[data-namespace=taken]")).to_have_count(0)
    assert page.errors == []


def test_an_expired_session_signs_in_again_and_returns_to_the_page(console, stack, creator):
    cluster = create_cluster(creator, "back")
    add_namespace(creator, cluster["cluster_id"], "team-e")
    path = ns_path(cluster["cluster_id"], "team-e", "activity")
    page = console.open(creator.email, path)
    expect(page.get_by_role("heading", name="Namespace team-e")).to_be_visible()
    # the API refuses the token (as when it expires): back to sign-in, then here again
    page.evaluate("""() => { const s = JSON.parse(sessionStorage.getItem('cm.session'));
        s.idToken = s.idToken.slice(0, -4) + 'AAAA'; sessionStorage.setItem('cm.session', JSON.stringify(s)); }""")
    page.get_by_role("link", name="Environments").click()
    console.sign_in(page, creator.email)
    page.wait_for_url(stack.console_url + ns_path(cluster["cluster_id"], "team-e", "environments"))
    expect(page.get_by_role("heading", name="Environments", level=2)).to_be_visible()


def test_usable_on_a_phone_sized_screen(console, creator):
    cluster = create_cluster(creator, "mobile")
    add_namespace(creator, cluster["cluster_id"], "team-f")
    page = console.open(creator.email, f"/clusters/{cluster['cluster_id']}", width=390, height=844)
    expect(page.get_by_role("heading", name="mobile", level=1)).to_be_visible()
    # nothing wider than the screen (tables scroll inside their own box)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    # keyboard: a new page puts focus on its heading; Tab moves on with focus visible
    assert page.evaluate("() => document.activeElement.tagName") == "H1"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.tagName") in ("A", "BUTTON", "INPUT")
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
    focused = page.evaluate("() => document.activeElement.outerHTML")
    page.wait_for_timeout(1200)  # live refreshes re-render the list; focus stays put
    assert page.evaluate("() => document.activeElement.outerHTML") == focused
    page.get_by_role("link", name="team-f").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Namespace team-f")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    # every control has an accessible name
    unnamed = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea, button')]
        .filter(el => !el.labels?.length && !el.getAttribute('aria-label') && !el.textContent.trim() && el.type !== 'hidden')
        .map(el => el.outerHTML)""")
    assert unnamed == []


def test_live_views_poll_only_while_the_page_is_visible(console, stack, creator):
    cluster = create_cluster(creator, "quiet")
    page = console.open(creator.email, f"/clusters/{cluster['cluster_id']}")
    expect(page.get_by_role("heading", name="quiet", level=1)).to_be_visible()
    polls = []
    page.on("request", lambda r: polls.append(r.url) if r.url.endswith("/namespaces?limit=100")
            else None)
    page.wait_for_timeout(1500)
    assert len(polls) >= 2  # every 0.5 s in the tests (CONSOLE_POLL_SECONDS)

    def visibility(hidden: bool):
        page.evaluate("""(hidden) => {
            Object.defineProperty(document, 'hidden', {configurable: true, get: () => hidden});
            Object.defineProperty(document, 'visibilityState', {configurable: true,
                get: () => hidden ? 'hidden' : 'visible'});
            document.dispatchEvent(new Event('visibilitychange')); }""", hidden)

    visibility(True)
    page.wait_for_timeout(300)  # a request already under way may finish
    before = len(polls)
    page.wait_for_timeout(2000)
    assert len(polls) == before, "polled while the page was hidden"
    visibility(False)  # back: refreshed at once, then on the interval again
    page.wait_for_timeout(400)
    assert len(polls) >= before + 1


def test_rename_and_delete_a_cluster_with_the_confirmation(console, creator):
    cluster = create_cluster(creator, "old-name")
    page = console.open(creator.email, f"/clusters/{cluster['cluster_id']}")
    form = page.locator("form[aria-labelledby=edit-cluster]")
    form.get_by_label("Name").fill("new-name")
    form.get_by_label("Description").fill("Staging, Dublin")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="new-name", level=1)).to_be_visible()
    expect(page.get_by_test_id("description")).to_have_text("Staging, Dublin")

    page.get_by_role("button", name="Delete cluster…").click()
    dialog = page.get_by_role("dialog", name="Delete cluster new-name?")
    expect(dialog).to_contain_text("What stays on the platform")
    dialog.get_by_role("button", name="Delete cluster").click()
    expect(page.get_by_role("heading", name="Clusters", level=1)).to_be_visible()
    expect(page.get_by_role("status").first).not_to_be_empty()  # the API's own message
    expect(page.get_by_role("link", name="new-name")).to_have_count(0)
    assert page.errors == []


def test_ping_operate_links_and_configuration(console, creator, connected):
    page = console.open(creator.email, ns_path(connected["cluster_id"], "team-c", "commands"))
    page.get_by_role("button", name="Send ping").click()
    expect(page.locator("tr[data-command] .badge").first).to_have_text("succeeded",
                                                                        timeout=20_000)
    # operate links: each saved on its own, the others kept
    page.get_by_role("link", name="Operate").click()
    metrics = page.get_by_role("form", name="Metrics URL")
    metrics.get_by_label("Metrics URL").fill("https://grafana.example.com/d/team-c")
    metrics.get_by_role("button", name="Save metrics").click()
    expect(metrics.get_by_role("status")).to_have_text("Metrics link saved.")
    logs = page.get_by_role("form", name="Logs URL")
    logs.get_by_label("Logs URL").fill("not a url")
    logs.get_by_role("button", name="Save logs").click()
    # the browser's own check stops it first (a URL field), keeping what was typed
    assert logs.get_by_label("Logs URL").evaluate("el => el.validity.typeMismatch") is True
    expect(logs.get_by_label("Logs URL")).to_have_value("not a url")
    logs.get_by_label("Logs URL").fill("https://logs.example.com/team-c")
    logs.get_by_role("button", name="Save logs").click()
    expect(logs.get_by_role("status")).to_have_text("Logs link saved.")
    saved = creator.get("/clusters/{cluster_id}/namespaces/{namespace}/operate",
                        cluster_id=connected["cluster_id"], namespace="team-c").json()
    assert saved["metrics_url"] == "https://grafana.example.com/d/team-c"
    assert saved["logs_url"] == "https://logs.example.com/team-c"
    # configuration from the catalogue: an Ingress with a domain
    page.get_by_role("link", name="Configuration").click()
    ingress = page.get_by_role("form", name="Ingress")
    ingress.get_by_label("Pick an ingress type:").select_option(label="Ingress")
    ingress.get_by_label("Domain").fill("apps.example.com")
    ingress.get_by_role("button", name="Save ingress").click()
    expect(ingress.get_by_role("status")).to_contain_text("Ingress created")
    expect(ingress).to_contain_text("domain: apps.example.com")
    assert page.errors == []


def test_edit_a_members_rights_and_remove_them(console, stack, creator, other_user):
    cluster = create_cluster(creator, "team")
    add_namespace(creator, cluster["cluster_id"], "team-g")
    make_member(stack, creator, other_user, cluster["cluster_id"], "team-g", "developer")
    page = console.open(creator.email, ns_path(cluster["cluster_id"], "team-g", "members"))
    row = page.locator(f"tr[data-member='{other_user.email}']")
    expect(row).to_contain_text("Developer")
    expect(row).to_contain_text("active")
    row.get_by_role("button", name="Edit").click()
    row.get_by_label("Role").select_option("administrator")
    row.get_by_role("button", name="Save rights").click()
    expect(row).to_contain_text("Administrator")
    row.get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"{other_user.email} loses access to namespace team-g")
    dialog.get_by_role("button", name="Remove member").click()
    expect(page.locator(f"tr[data-member='{other_user.email}']")).to_have_count(0)
    assert page.errors == []
