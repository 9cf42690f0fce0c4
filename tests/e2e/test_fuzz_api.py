"""The API contract tells the truth: schemathesis runs every check it has,
with its stateful phase following the document's links, against the local
stack — what the document allows the server accepts, what it refuses the
server refuses, every answer has a documented status and shape (JSON errors
included), and every operation is reached with a 2xx at least once.

Seeded and bounded: about a minute on two cores.  The figures of the run
(cases, operations reached, time) are printed.
"""
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from chalicelib import models
from chalicelib.catalogue import CATALOGUE
from tests.agent.process import AgentProcess, fault, installation_parameters, wait_for
from tests.apiclient import Api, unique_email
from tests.e2e.helpers import MEMBERS, ONE, add_namespace, invitation_token

ROOT = Path(__file__).resolve().parents[2]
MAX_EXAMPLES = 12  # 25 (the run): 1,253 cases, clean, 71 s of schemathesis
SEED = 1
# The coverage phase — every boundary of every parameter, ~2,200 cases, ~130 s,
# and a table that slows the rest of the suite by as much again — runs apart:
# ``make fuzz-coverage`` runs this test with FUZZ_PHASES=coverage (clean on the
# last run: 2,184 cases, 44/44 operations reached with a 2xx).
PHASES = os.environ.get("FUZZ_PHASES", "examples,fuzzing,stateful")
EXCLUDED_CHECKS = {
    # Undeclared methods get API Gateway's 403 missing_authentication_token (declared in the
    # document's info and components.responses.UnknownRoute), not the 405 + Allow this expects.
    "unsupported_method": "API Gateway answers undeclared methods 403, not 405",
}


def _environment(api, where, name, state):
    resp = api.post(ONE + "/environments", json={"name": name, "database_plan": "fuzz-db",
                                                 "storage_plan": "fuzz-files"}, **where)
    assert resp.status_code == 201, resp.text
    wait_for(lambda: api.get(ONE + "/environments/{env}", env=name, **where).json()["state"]
             == state, 60, f"environment {name} {state}")


def seed_context(stack, mint, agent_dir) -> dict:
    """A fresh, valid context the generated requests act in, with the real
    agent connected to its namespace (so environments get ready, or fail)."""
    api = Api(stack.api_url, mint(unique_email("fuzz")))
    cluster = api.post("/clusters", json={"name": "fuzz", "type": "openshift",
                                          "platform": "eks"}).json()
    cid = cluster["cluster_id"]
    ns = add_namespace(api, cid, "fuzz-ns")["name"]
    where = {"cluster_id": cid, "namespace": ns}
    parameters = installation_parameters(api, where)
    agent = AgentProcess(parameters, agent_dir)
    for plan in ({"name": "fuzz-db", "kind": "database", "type": "ephemeral"},
                 {"name": "fuzz-files", "kind": "storage", "type": "ephemeral"},
                 {"name": "fuzz-toggle", "kind": "database", "type": "ephemeral"}):
        assert api.post(ONE + "/plans", json=plan, **where).status_code == 201
    for section, body in (("ingress", {"type": "openshift_route", "tls": False}),
                          ("registry", {"type": "generic_auth", "name": "robot",
                                        "pull_url": "registry.example.com/a",
                                        "secret": "fuzz-registry-secret"}),
                          ("proxy", {"enabled": False})):
        resp = api.put(ONE + "/configuration/{section}", json=body, section=section, **where)
        assert resp.status_code == 200, resp.text
    _environment(api, where, "fuzz-env", "ready")
    _environment(api, where, "fuzz-spare", "ready")  # for DELETE
    fault(agent_dir, "--fail-always")
    _environment(api, where, "fuzz-failed", "provisioning_failed")  # for retry-provisioning
    fault(agent_dir, "--clear")
    command = api.post(ONE + "/commands", json={"type": "ping"}, **where)
    assert command.status_code == 201, command.text
    invitee, spare_member = unique_email("invitee"), unique_email("spare")
    for email in (invitee, spare_member):
        assert api.post(MEMBERS, json={"email": email, "role": "developer"},
                        **where).status_code == 201
    add_namespace(api, cid, "fuzz-spare")
    spare_cluster = api.post("/clusters", json={"name": "spare", "type": "kubernetes"}).json()
    manager, spare_manager = unique_email("manager"), unique_email("spare-manager")
    assert api.put("/clusters/{cluster_id}/managers/{email}", cluster_id=cid,
                   email=spare_manager).status_code == 200
    agent_ops = [op["operationId"] for ops in api.doc["paths"].values() for op in ops.values()
                 if {"agent": []} in op.get("security", [])]
    return agent, {
        "token": api.token,
        "path": {**where, "plan": "fuzz-toggle", "env": "fuzz-env",
                 "command_id": command.json()["command_id"], "email": invitee,
                 "token": invitation_token(stack, invitee),
                 "database_plan": "fuzz-db", "storage_plan": "fuzz-files"},
        # what the operations that delete or rotate act on, so the rest keeps working
        "spare": {"delete_cluster": {"cluster_id": spare_cluster["cluster_id"]},
                  "delete_namespace": {"namespace": "fuzz-spare"},
                  "rotate_agent_credentials": {"namespace": "fuzz-spare"},
                  "delete_environment": {"env": "fuzz-spare"},
                  "retry_provisioning": {"env": "fuzz-failed"},
                  "remove_member": {"email": spare_member},
                  "appoint_manager": {"email": manager},
                  "remove_manager": {"email": spare_manager}},
        "agent_operations": agent_ops,
        "agent_session": {"namespace_id": parameters["namespace_id"],
                          "secret": parameters["agent_secret"]},
        # a reference the agent holds (its namespace's registry secret), for POST /agent/secrets
        "agent_secret_ref": models.Configuration.get(
            models.namespace_pk(parameters["namespace_id"]),
            models.config_sk("registry")).secret_ref,
        "agent_authorization": f"Agent {parameters['namespace_id']}:{parameters['agent_secret']}",
        "invitee_authorization": f"Bearer {mint(invitee)}",
        "section_values": {g.name: list(g.values) for g in CATALOGUE.sections},
        "section_discriminators": {g.name: g.discriminator for g in CATALOGUE.sections},
        "operations": sorted(op["operationId"] for ops in api.doc["paths"].values()
                             for op in ops.values()),
    }


def run_configuration(seed: dict) -> str:
    """schemathesis.toml: who calls.  The creator's bearer token, but the invitee
    accepts the invitation and the namespace's own credentials configure."""
    def headers(value):
        return "headers = { Authorization = " + json.dumps(value) + " }\n"

    return (headers(f"Bearer {seed['token']}")
            # 410: an invitation used or expired is gone, as a deleted resource is not found
            + "\n[checks.positive_data_acceptance]\nexpected-statuses = "
            + json.dumps(["2xx", "3xx", "401", "403", "404", "409", "410", "429", "5xx"]) + "\n"
            + "\n[[operations]]\ninclude-operation-id = " + json.dumps(seed["agent_operations"])
            + "\n" + headers(seed["agent_authorization"])
            + "\n[[operations]]\ninclude-operation-id = \"accept_invitation\"\n"
            + headers(seed["invitee_authorization"]))


def test_every_schemathesis_check_passes_and_every_operation_is_reached(stack, mint, tmp_path):
    agent, seed = seed_context(stack, mint, tmp_path / "agent")
    (tmp_path / "seed.json").write_text(json.dumps(seed))
    log = tmp_path / "calls.ndjson"
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.e2e.schemathesis_hooks",
           "CM_FUZZ_SEED": str(tmp_path / "seed.json"), "CM_FUZZ_LOG": str(log),
           "PYTHONPATH": str(ROOT)}
    config = tmp_path / "schemathesis.toml"
    config.write_text(run_configuration(seed))
    st = Path(sys.executable).parent / "st"
    started = time.monotonic()
    result = subprocess.run(
        [str(st), "--config-file", str(config), "run", f"{stack.api_url}/openapi.json",
         "--checks", "all", "--exclude-checks", ",".join(EXCLUDED_CHECKS),
         "--phases", PHASES,
         "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
         "--workers", "2", "--no-color"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    seconds = time.monotonic() - started
    agent.close()
    out = result.stdout
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    reached = {c["operation"] for c in calls if 200 <= c["status"] < 300}
    if "Loaded specification" in out:  # schemathesis's own GET /openapi.json (200)
        reached.add("openapi_document")
    cases = re.search(r"(\d+) generated", out)
    operations = set(seed["operations"])
    print(f"\nschemathesis ({PHASES}): {cases.group(1) if cases else '?'} cases generated, "
          f"{len(calls)} requests, {len(reached & operations)}/{len(operations)} operations "
          f"reached with a 2xx, {seconds:.0f} s")
    assert result.returncode == 0, out[-12000:] + result.stderr[-3000:]
    assert "Authentication failed" not in out and "Missing test data" not in out, out[-6000:]
    assert not set(seed["operations"]) - reached, (
        f"never answered 2xx: {sorted(set(seed['operations']) - reached)}")
