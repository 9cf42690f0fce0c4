"""The agent process against the whole local stack (API, event runner,
moto): it connects, answers a ping sent through the API, and stops with exit
code 3 once its secret is rotated."""
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE = "/clusters/{cluster_id}/namespaces/{namespace}"


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_it_connects_answers_a_ping_and_stops_when_its_secret_is_rotated(user, cluster, tmp_path):
    where = {"cluster_id": cluster["cluster_id"], "namespace": "agent-e2e"}
    resp = user.post("/clusters/{cluster_id}/namespaces", cluster_id=where["cluster_id"],
                     json={"name": "agent-e2e", "installation_type": "connected"})
    assert resp.status_code == 201, resp.text
    params = user.get(ONE + "/installation", **where).json()["parameters"]
    env = {"PATH": os.environ["PATH"], "CM_API_URL": params["api_url"],
           "CM_NAMESPACE_ID": params["namespace_id"], "CM_AGENT_SECRET": params["agent_secret"]}
    agent = subprocess.Popen([sys.executable, "-m", "agent", "run", "--simulate", str(tmp_path)],
                             cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: user.get(ONE, **where).json()["status"] == "connected", 60,
                 "the namespace to show connected")
        command = user.post(ONE + "/commands", **where, json={"type": "ping"}).json()
        done = wait_for(lambda: (c := user.get(ONE + "/commands/{command_id}", **where,
                                               command_id=command["command_id"]).json())
                        ["state"] in ("succeeded", "failed") and c, 60, "the ping's result")
        assert done["state"] == "succeeded", done
        assert done["result"]["pong"] is True and done["result"]["namespace"] == "agent-e2e"

        assert user.post(ONE + "/agent-credentials/rotate", **where).status_code == 200
        assert agent.wait(timeout=60) == 3
        assert "credentials revoked or rotated" in agent.stderr.read()
    finally:
        agent.kill()
        agent.wait()
