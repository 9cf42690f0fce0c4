"""``--wait`` with the real agent (simulate mode) and injected provisioning
failures: progress while waiting, and the final state's exit code.  The
stack runs with PROVISIONING_BACKOFF_SECONDS=1 (doubling) and 5 attempts."""
import pytest

from tests.agent.process import AgentProcess, fault, installation_parameters, wait_for
from tests.cli.conftest import unique
from tests.e2e.helpers import ONE, add_namespace


@pytest.fixture(scope="module")
def agent_ns(stack, mint, creator_email, cli, tmp_path_factory):
    """One namespace with plans and its agent running, shared by this module."""
    from tests.apiclient import Api

    api = Api(stack.api_url, mint(creator_email))
    cluster = cli.ok("clusters", "create", unique("cli-wait"), "--type", "kubernetes",
                     "-o", "json").json()
    add_namespace(api, cluster["cluster_id"], "apps")
    where = {"cluster_id": cluster["cluster_id"], "namespace": "apps"}
    args = ["-c", cluster["name"], "-n", "apps"]
    cli.ok("plans", "set", *args, "db", "--kind", "database", "--type", "ephemeral")
    cli.ok("plans", "set", *args, "files", "--kind", "storage", "--type", "ephemeral")
    directory = tmp_path_factory.mktemp("wait") / "sim"
    with AgentProcess(installation_parameters(api, where), directory) as agent:
        wait_for(lambda: api.get(ONE, **where).json()["status"] == "connected", 30,
                 "the agent to connect")
        agent.args, agent.dir = args, directory
        yield agent


def create(cli, agent_ns, name, *extra):
    return cli("environments", "create", *agent_ns.args, name, "--database-plan", "db",
               "--storage-plan", "files", "--wait", *extra)


def test_wait_shows_the_retries_and_ends_ready(cli, agent_ns):
    message = "database server unreachable (injected)"
    fault(agent_ns.dir, "--fail-next", "2", "--message", message)
    result = create(cli, agent_ns, "shop", "-o", "json")
    assert result.code == 0, result
    assert result.json()["state"] == "ready"
    lines = result.err.splitlines()  # not a terminal: one plain line per change
    assert any(f"last error: {message}" in line for line in lines), result.err
    assert any("attempt 2/5" in line or "attempt 3/5" in line for line in lines), result.err
    assert lines[-1].startswith("shop: ready")
    assert fault(agent_ns.dir)["failures_injected"] == 2


def test_failing_for_good_exits_1_then_retry_and_delete_wait(cli, agent_ns):
    fault(agent_ns.dir, "--fail-always", "--message", "quota exceeded (injected)")
    failed = create(cli, agent_ns, "doomed")
    assert failed.code == 1, failed
    assert failed.err.splitlines()[-1].startswith("doomed: provisioning_failed")
    assert "attempt 5/5" in failed.err and "quota exceeded (injected)" in failed.err
    assert "doomed" in failed.out and "provisioning_failed" in failed.out  # the final table

    fault(agent_ns.dir, "--clear")
    retried = cli("environments", "retry", *agent_ns.args, "doomed", "--wait", "-o", "json")
    assert retried.code == 0, retried
    assert retried.json()["state"] == "ready" and retried.json()["last_error"] is None

    gone = cli("environments", "delete", *agent_ns.args, "doomed", "--yes", "--wait")
    assert gone.code == 0, gone
    assert gone.err.splitlines()[-1] == "environment doomed: removed"
    names = cli.ok("environments", "list", *agent_ns.args, "-q").out.split()
    assert "doomed" not in names


def test_command_send_wait_exits_with_the_commands_outcome(cli, agent_ns):
    result = cli("commands", "send", *agent_ns.args, "ping", "--wait", "-o", "json")
    assert result.code == 0, result
    assert result.json()["state"] == "succeeded" and result.json()["result"]
    assert "succeeded" in result.err.splitlines()[-1]


def test_wait_gives_up_after_its_timeout_with_exit_1(cli, agent_ns):
    fault(agent_ns.dir, "--fail-next", "1")  # then at least 1 s of backoff before it can be ready
    result = create(cli, agent_ns, "slow", "--timeout", "0.2")
    assert result.code == 1, result
    assert "gave up waiting for environment slow after 0.2 s" in result.err
    assert "goes on in the background" in result.err


def test_on_a_terminal_the_progress_line_is_redrawn_in_place(cli, agent_ns):
    import pexpect

    from tests.cli.conftest import EXE

    child = pexpect.spawn(str(EXE), ["commands", "send", *agent_ns.args, "ping", "--wait"],
                          env=cli.env, encoding="utf-8", timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "\r\x1b[K" in child.before  # one line, rewritten (not a new line per poll)
    assert "succeeded" in child.before


def test_removing_a_namespace_with_environments_needs_with_environments(cli, agent_ns):
    """Last in this module: it removes the shared namespace (its environments stay on
    the platform, nothing is deprovisioned)."""
    cluster = agent_ns.args[:2]
    refused = cli("namespaces", "delete", *cluster, "apps", "--yes")
    assert refused.code == 1 and "confirm" in refused.err, refused
    removed = cli("namespaces", "delete", *cluster, "apps", "--yes", "--with-environments")
    assert removed.code == 0, removed
    assert "apps" not in cli.ok("namespaces", "list", *cluster, "-q").out.split()
