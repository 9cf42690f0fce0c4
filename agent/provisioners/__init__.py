"""What provisioning an environment's storage really does, per plan type.

Every provisioner acts on the plan's own server with the plan's own
credentials (values read through ``agent.secrets``), and returns

- ``details``: the environment's connection details (host, user, password,
  keys …), which the executor writes *into the namespace* — a Kubernetes
  Secret, or a 0600 file in the simulation — and which never go back to the
  backend;
- ``result``: a summary without any secret, which does go back (the
  ``task_result``).

Both directions are idempotent: a re-run after a crash half-way finishes the
job, a second run changes nothing.  ``existing`` is what an earlier run
wrote into the namespace (or None), so a re-run keeps the credentials the
namespace already holds.  Failures raise ``ProvisioningFailed`` with the
server's own words.
"""
from agent.provisioners.common import Names, ProvisioningFailed

__all__ = ["Names", "ProvisioningFailed", "provision", "deprovision", "needs_secret"]


def _module(plan_type: str):
    if plan_type == "postgres":
        from agent.provisioners import postgres
        return postgres.run
    if plan_type in ("s3", "minio"):
        from agent.provisioners import buckets
        return buckets.run
    if plan_type == "ephemeral":
        from agent.provisioners import ephemeral
        return ephemeral.run
    raise ProvisioningFailed(f"unknown plan type {plan_type!r}: this agent provisions postgres, "
                             "s3, minio and ephemeral plans")


def needs_secret(plan: dict) -> bool:
    return plan.get("type") != "ephemeral"


def provision(plan: dict, secrets: dict, names: Names,
              existing: dict | None) -> tuple[dict | None, dict]:
    return _module(str(plan.get("type")))(plan, secrets, names, existing, "provision")


def deprovision(plan: dict, secrets: dict, names: Names, existing: dict | None) -> dict:
    return _module(str(plan.get("type")))(plan, secrets, names, existing, "deprovision")[1]
