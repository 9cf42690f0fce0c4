"""What the document allows, the API takes: for every operation with a request
body, bodies that schemathesis generates from the documented schema (positive
mode, seeded: lengths, patterns, ranges, formats, every variant of a oneOf)
are sent in a fresh, valid context, and none is refused as malformed (400) or
invalid (422).  A pattern, length, range or rule that a route checks but the
document does not state — or states differently — fails here.

The context supplies what a body only refers to (the plans an environment
uses) and the path a section body belongs to; everything else is generated.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis import GenerationMode

from chalicelib.catalogue import CATALOGUE
from tests.apiclient import unique_email
from tests.e2e.helpers import MEMBERS, ONE, add_namespace

EXAMPLES = 8
REFUSED_AS_INVALID = (400, 422)


def bodies(document_url: str, operation_id: str) -> list:
    schema = schemathesis.openapi.from_url(document_url)
    strategy = schema.find_operation_by_id(operation_id).as_strategy(
        generation_mode=GenerationMode.POSITIVE)
    drawn = []

    @seed(16)
    @settings(max_examples=EXAMPLES, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(case):
        drawn.append(case.body)

    collect()
    return drawn


@pytest.fixture(scope="module")
def context(stack, mint):
    from tests.apiclient import Api

    api = Api(stack.api_url, mint(unique_email("contract")))
    cluster = api.post("/clusters", json={"name": "contract", "type": "openshift",
                                          "platform": "eks"}).json()
    where = {"cluster_id": cluster["cluster_id"], "namespace": "ctx"}
    add_namespace(api, cluster["cluster_id"], "ctx")
    for plan in ({"name": "ctx-db", "kind": "database", "type": "ephemeral"},
                 {"name": "ctx-files", "kind": "storage", "type": "ephemeral"}):
        assert api.post(ONE + "/plans", json=plan, **where).status_code == 201
    member = unique_email("member")
    assert api.post(MEMBERS, json={"email": member, "role": "developer"},
                    **where).status_code == 201
    return api, where, member


SECTION_OF = {(g.discriminator, v): g.name for g in CATALOGUE.sections for v in g.values}

OPERATIONS = {
    # operationId: (method, path template, extra path parameters)
    "create_cluster": ("POST", "/clusters", {}),
    "update_cluster": ("PATCH", "/clusters/{cluster_id}", {}),
    "create_namespace": ("POST", "/clusters/{cluster_id}/namespaces", {}),
    "send_command": ("POST", ONE + "/commands", {}),
    "invite_member": ("POST", MEMBERS, {}),
    "update_member": ("PATCH", MEMBERS + "/{email}", {"email": None}),
    "put_operate": ("PUT", ONE + "/operate", {}),
    "patch_operate": ("PATCH", ONE + "/operate", {}),
    "save_plan": ("POST", ONE + "/plans", {}),
    "toggle_plan": ("PATCH", ONE + "/plans/{plan}", {"plan": "ctx-db"}),
    "put_configuration_section": ("PUT", ONE + "/configuration/{section}", {"section": None}),
    "create_environment": ("POST", ONE + "/environments", {}),
}


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_schema_valid_bodies_are_accepted(stack, context, operation_id):
    api, where, member = context
    method, template, extra = OPERATIONS[operation_id]
    refused = []
    for body in bodies(f"{stack.api_url}/openapi.json", operation_id):
        params = {**where, **extra}
        if "email" in params:
            params["email"] = member
        if "section" in params:
            params["section"] = next(SECTION_OF[(k, v)] for k, v in body.items()
                                     if (k, v) in SECTION_OF)
        if operation_id == "create_environment":  # references: the context's plans
            body = {**body, "database_plan": "ctx-db", "storage_plan": "ctx-files"}
        if operation_id == "save_plan" and "existing" in body:
            continue  # names another namespace's plan: a reference, not a shape
        resp = api.request(method, template, json=body, **params)
        if resp.status_code in REFUSED_AS_INVALID:
            refused.append((body, resp.status_code, resp.json()))
    assert not refused, f"{operation_id}: documented-valid bodies refused: {refused}"
