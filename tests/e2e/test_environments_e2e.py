"""Environments, end to end: the provisioning workflow (moto's Step
Functions) hands each step to the real agent (simulate mode), which keeps the
environment's storage as files and fails or hangs on demand
(``python -m agent fault``).  The stack runs with PROVISIONING_BACKOFF_SECONDS=1
(doubling), 5 attempts, PROVISIONING_ATTEMPT_TIMEOUT_SECONDS=20.  Each
scenario has its own namespace and agent."""
import json
import time
import uuid

import pytest

from tests.agent.process import AgentProcess, fault, installation_parameters, wait_for
from tests.e2e.helpers import ONE, add_namespace

ENVS = ONE + "/environments"
ENV = ENVS + "/{env}"
PLANS = ONE + "/plans"
MAX_ATTEMPTS, BACKOFF, ATTEMPT_TIMEOUT = 5, 1, 20


@pytest.fixture
def ns(user, cluster, tmp_path):
    """A namespace with a database and a storage plan and its agent running;
    yields (where, the agent's DIR)."""
    name = f"envs-{uuid.uuid4().hex[:8]}"
    add_namespace(user, cluster["cluster_id"], name)
    where = {"cluster_id": cluster["cluster_id"], "namespace": name}
    # Ephemeral plans: the workflow's retries and faults, without a server (real
    # databases and buckets: test_provisioning_e2e.py).
    for plan in ({"name": "pg", "kind": "database", "type": "ephemeral"},
                 {"name": "files", "kind": "storage", "type": "ephemeral"}):
        resp = user.post(PLANS, json=plan, **where)
        assert resp.status_code == 201, resp.text
    directory = tmp_path / "sim"
    with AgentProcess(installation_parameters(user, where), directory) as agent:
        wait_for(lambda: user.get(ONE, **where).json()["status"] == "connected", 30,
                 "the agent to connect")
        agent.where, agent.dir = where, directory
        yield agent


def create(user, where, name):
    resp = user.post(ENVS, json={"name": name, "database_plan": "pg", "storage_plan": "files"},
                     **where)
    assert resp.status_code == 201, resp.text
    assert resp.json()["state"] == "provisioning"
    return resp.json()


def details(user, where, name):
    resp = user.get(ENV, env=name, **where)
    return resp.json() if resp.status_code == 200 else None


def watch(user, where, name, until: tuple, seconds: float) -> list[dict]:
    """Every distinct view of the environment until its state is in ``until``."""
    seen, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = details(user, where, name)
        if not seen or now != seen[-1]:
            seen.append(now)
        if now and now["state"] in until:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"{name} did not reach {until} in {seconds} s; last seen {seen[-1]}")


def test_ready_without_faults_then_deleted_through_the_agent_and_the_name_freed(user, ns):
    where, files = ns.where, ns.dir / "environments" / "shop"
    create(user, where, "shop")
    final = watch(user, where, "shop", ("ready", "provisioning_failed"), 30)[-1]
    assert final["state"] == "ready" and final["step"] == "done", final
    assert final["last_error"] is None and final["finished_at"]
    database = json.loads((files / "database.json").read_text())
    storage = json.loads((files / "storage.json").read_text())
    assert database["plan"]["name"] == "pg" and storage["plan"]["name"] == "files"
    assert "nothing is created outside the namespace" in database["result"]["note"]
    # and the environment's details say so (recorded just after the workflow got the answer)
    shown = wait_for(lambda: (details(user, where, "shop") or {}).get("provisioned", {}).get(
        "storage") and details(user, where, "shop")["provisioned"], 10, "both steps' notes")
    for step in ("database", "storage"):
        assert shown[step]["plan_type"] == "ephemeral"
        assert "nothing is created outside the namespace" in shown[step]["note"]

    blocked = user.delete(ONE, **where)
    assert blocked.status_code == 409 and "shop" in blocked.json()["message"]
    assert "confirm=true" in blocked.json()["message"]

    gone = user.delete(ENV, env="shop", **where)
    assert gone.status_code == 202 and gone.json()["state"] == "deprovisioning"
    wait_for(lambda: details(user, where, "shop") is None, 30, "the environment to be removed")
    assert not files.exists()
    create(user, where, "shop")  # the name is free again
    assert watch(user, where, "shop", ("ready", "provisioning_failed"), 30)[-1]["state"] == "ready"


def test_two_injected_failures_then_ready_on_the_third_attempt(user, ns):
    message = "database server unreachable (injected)"
    fault(ns.dir, "--fail-next", "2", "--message", message)
    create(user, ns.where, "retry")
    seen = watch(user, ns.where, "retry", ("ready", "provisioning_failed"), 30)
    assert seen[-1]["state"] == "ready", seen[-1]
    retrying = [s for s in seen if s["state"] == "provisioning" and s["last_error"] == message]
    assert retrying, f"last_error never showed the agent's message: {seen}"
    assert {s["attempt"] for s in retrying} <= {1, 2, 3}
    assert any(s["next_retry_at"] for s in retrying)
    # (the successful third attempt may be too quick to poll; the file it wrote says it)
    assert json.loads((ns.dir / "environments" / "retry" / "database.json").read_text())[
        "attempt"] == 3  # provisioned by the third attempt, with no manual step
    assert fault(ns.dir)["failures_injected"] == 2


def test_failing_for_good_then_retry_provisioning_after_the_cause_is_gone(user, ns):
    message = "quota exceeded on the database server (injected)"
    fault(ns.dir, "--fail-always", "--message", message)
    create(user, ns.where, "doomed")
    # 5 attempts with 1 + 2 + 4 + 8 s of backoff between them
    failed = watch(user, ns.where, "doomed", ("ready", "provisioning_failed"), 60)[-1]
    assert failed["state"] == "provisioning_failed", failed
    assert failed["last_error"] == message and failed["step"] == "database"
    assert failed["attempt"] == failed["max_attempts"] == MAX_ATTEMPTS
    assert failed["next_retry_at"] is None
    assert fault(ns.dir)["failures_injected"] == MAX_ATTEMPTS

    fault(ns.dir, "--clear")
    again = user.post(ENV + "/retry-provisioning", env="doomed", **ns.where)
    assert again.status_code == 202 and again.json()["state"] == "provisioning"
    final = watch(user, ns.where, "doomed", ("ready", "provisioning_failed"), 30)[-1]
    assert final["state"] == "ready" and final["last_error"] is None


@pytest.mark.slow
def test_a_hung_attempt_times_out_then_the_next_one_succeeds(user, ns):
    fault(ns.dir, "--hang-next", "1")
    started = time.monotonic()
    create(user, ns.where, "patient")
    seen = watch(user, ns.where, "patient", ("ready", "provisioning_failed"),
                 ATTEMPT_TIMEOUT + 30)
    took = time.monotonic() - started
    assert seen[-1]["state"] == "ready", seen[-1]
    assert took >= ATTEMPT_TIMEOUT
    timed_out = [s for s in seen if s["last_error"] and "attempt timeout" in s["last_error"]]
    assert timed_out, f"the attempt timeout never showed: {seen}"
    # (attempt 2 of the database step answers within milliseconds, too fast to poll
    # reliably: the timeout shown above plus the final "ready" prove the retry)
    assert fault(ns.dir)["hangs_injected"] == 1
    assert "deliberately not answered" in ns.log()
