"""Schemathesis hooks for tests/e2e/test_fuzz_api.py (loaded through
SCHEMATHESIS_HOOKS in the ``st`` process).

The run starts from a seeded context (``CM_FUZZ_SEED``: a JSON file the test
writes): a cluster, a connected namespace with its agent credentials, an
ephemeral database and storage plan, an environment, a command and a pending
member.  Generated valid requests use those ids for the parameters the seed
knows, so that every operation can get past "not found"; invalid ones stay as
generated.  Who calls is set per operation in the run's configuration file (the
invitee accepts, the namespace's own credentials configure).  Each response's
status is logged (``CM_FUZZ_LOG``) so the test can check that every
operation answered 2xx at least once.

What this adds to the document is only what OpenAPI cannot say:
- values that are references, not shapes: the plans an environment uses, the
  agent's own namespace id, secret and secret reference;
- which section's schema a PUT …/configuration/{section} body follows is
  named by the path (its description says so): a valid body gets the path
  that names its section;
- a ``next_token`` is opaque: any value the server did not issue is refused
  with 400 invalid_next_token, which is right, not a schema disagreement.
"""
import json
import os

import schemathesis
from schemathesis.generation.meta import TestPhase

SEED = json.loads(open(os.environ["CM_FUZZ_SEED"]).read())
LOG = os.environ["CM_FUZZ_LOG"]

# operations that would end the seed (rotating the agent secret, deleting what the others
# need) act on spare things of their own (SEED["spare"])


def _operation_id(case) -> str:
    return case.operation.definition.raw.get("operationId", "")


def _positive(case) -> bool:
    meta = case.meta
    return meta is not None and meta.generation.mode.is_positive


def _section_of(body) -> str | None:
    if not isinstance(body, dict):
        return None
    for section, values in SEED["section_values"].items():
        key = SEED["section_discriminators"][section]
        if key in body and body[key] in values:
            return section
    return None


@schemathesis.hook
def map_case(ctx, case):
    op = _operation_id(case)
    spare = SEED["spare"].get(op, {})
    for name, value in spare.items():  # whatever the mode: a seeded id (schemathesis reuses
        # ids it has seen) is swapped for the spare one, so the seed is never deleted
        if (case.path_parameters or {}).get(name) == SEED["path"].get(name):
            case.path_parameters[name] = value
    if op == "put_configuration_section" and _positive(case):
        # in every phase: a link may carry another section's name to this body
        section = _section_of(case.body)
        if section:
            case.path_parameters["section"] = section
    if not _positive(case) or case.meta.phase.name == TestPhase.STATEFUL:
        return case
    _use_the_seed(case, op)
    return case


def _use_the_seed(case, op: str) -> None:
    """Positive cases outside the stateful phase act on the seeded things."""
    values = {**SEED["path"], **SEED["spare"].get(op, {})}
    for name in list(case.path_parameters or {}):
        if name in values:
            case.path_parameters[name] = values[name]
    if op == "create_environment" and isinstance(case.body, dict):
        case.body["database_plan"] = SEED["path"]["database_plan"]
        case.body["storage_plan"] = SEED["path"]["storage_plan"]
    if op in ("open_agent_session", "read_agent_secret") and isinstance(case.body, dict):
        case.body.update(SEED["agent_session"])
    if op == "read_agent_secret" and isinstance(case.body, dict):
        case.body["secret_ref"] = SEED["agent_secret_ref"]


@schemathesis.hook
def after_call(ctx, case, response):
    with open(LOG, "a") as out:
        out.write(json.dumps({"operation": _operation_id(case), "status": response.status_code,
                              "phase": str(case.meta.phase.name) if case.meta else None,
                              "mode": str(case.meta.generation.mode) if case.meta else None})
                  + "\n")


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    """Keep every failure but one kind: a well-formed next_token the server did
    not issue, refused with 400 invalid_next_token."""
    if type(failure).__name__ == "RejectedPositiveData" and response is not None \
            and response.status_code == 400 and (case.query or {}).get("next_token"):
        try:
            return response.json().get("error") != "invalid_next_token"
        except ValueError:
            return True
    return True
