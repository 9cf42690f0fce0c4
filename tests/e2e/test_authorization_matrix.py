"""Every route × every kind of caller, against the expected status.

The matrix must list every operation of the OpenAPI document: a new route
without a row here fails ``test_matrix_covers_every_route``.
"""
import re
import uuid

import pytest

from tests.apiclient import Api, unique_email
from tests.e2e.helpers import MEMBERS, NS, ONE, add_namespace, make_member

ENVS = ONE + "/environments"
PATH_PARAM = re.compile(r"{([^}]+)}")

ACTORS = ("creator", "manager", "administrator", "developer", "custom", "other_namespace",
          "no_token", "bad_token", "namespace_credentials")


def expect(creator, administrator, developer, custom, other_namespace, *, anonymous=401,
           agent=401, manager=None):
    """Expected statuses; ``agent`` is the namespace's own credentials
    (``Authorization: Agent …``), accepted only by configuration and plans;
    a cluster ``manager`` gets what the creator gets unless said otherwise."""
    return {"creator": creator, "manager": creator if manager is None else manager,
            "administrator": administrator, "developer": developer,
            "custom": custom, "other_namespace": other_namespace,
            "no_token": anonymous, "bad_token": anonymous, "namespace_credentials": agent}


EVERYONE = expect(200, 200, 200, 200, 200)
CREATOR_CLUSTER = expect(200, 403, 403, 403, 403)
CREATOR_ONLY = expect(200, 403, 403, 403, 403, manager=403)
MANAGERS = "/clusters/{cluster_id}/managers"
VIEW_NS = expect(200, 200, 200, 200, 404)
MANAGE_NS = expect(200, 403, 403, 403, 404)

MATRIX = {
    ("GET", "/openapi.json"): expect(200, 200, 200, 200, 200, anonymous=200, agent=200),
    ("POST", "/agent/session"): expect(401, 401, 401, 401, 401),
    ("POST", "/agent/secrets"): expect(401, 401, 401, 401, 401),
    ("GET", "/roles"): EVERYONE,
    ("GET", "/catalogue"): EVERYONE,
    ("POST", "/clusters"): expect(201, 201, 201, 201, 201),
    ("GET", "/clusters"): EVERYONE,
    ("GET", "/clusters/{cluster_id}"): EVERYONE,
    ("PATCH", "/clusters/{cluster_id}"): CREATOR_ONLY,
    ("DELETE", "/clusters/{cluster_id}"): CREATOR_ONLY,
    ("GET", MANAGERS): CREATOR_CLUSTER,
    ("PUT", MANAGERS + "/{email}"): CREATOR_ONLY,
    ("DELETE", MANAGERS + "/{email}"): CREATOR_ONLY,
    ("GET", "/clusters/{cluster_id}/activity"): CREATOR_CLUSTER,
    ("POST", NS): expect(201, 403, 403, 403, 403),
    ("GET", NS): EVERYONE,
    ("GET", ONE): VIEW_NS,
    ("DELETE", ONE): expect(200, 403, 403, 403, 404),
    ("GET", ONE + "/installation"): MANAGE_NS,
    ("POST", ONE + "/agent-credentials/rotate"): MANAGE_NS,
    ("POST", ONE + "/commands"): expect(201, 403, 403, 403, 404),
    ("GET", ONE + "/commands"): VIEW_NS,
    ("GET", ONE + "/commands/{command_id}"): VIEW_NS,
    ("POST", MEMBERS): expect(201, 403, 403, 403, 404),
    ("GET", MEMBERS): MANAGE_NS,
    ("PATCH", MEMBERS + "/{email}"): MANAGE_NS,
    ("DELETE", MEMBERS + "/{email}"): expect(204, 403, 403, 403, 404),
    ("POST", "/invitations/{token}/accept"): expect(404, 404, 404, 404, 404),
    ("GET", ONE + "/operate"): VIEW_NS,
    ("PUT", ONE + "/operate"): MANAGE_NS,
    ("PATCH", ONE + "/operate"): MANAGE_NS,
    ("GET", ONE + "/activity"): VIEW_NS,
    ("GET", ONE + "/configuration"): expect(200, 200, 200, 200, 404, agent=200),
    ("GET", ONE + "/configuration/{section}"): expect(200, 200, 200, 200, 404, agent=200),
    ("PUT", ONE + "/configuration/{section}"): expect(200, 403, 403, 403, 404, agent=200),
    ("POST", ONE + "/plans"): expect(201, 403, 403, 403, 404, agent=201),
    ("GET", ONE + "/plans"): expect(200, 200, 200, 200, 404, agent=200),
    ("PATCH", ONE + "/plans/{plan}"): MANAGE_NS,
    ("GET", ONE + "/plans/s3-policy"): VIEW_NS,
    # rights-based: manage_environment (administrators have it, developers do not);
    # the shared environment is still provisioning (no agent here), so those who may
    # delete or retry it are told it is busy (409) rather than refused (403)
    ("POST", ENVS): expect(201, 201, 403, 403, 404),
    ("GET", ENVS): VIEW_NS,
    ("GET", ENVS + "/{env}"): VIEW_NS,
    ("DELETE", ENVS + "/{env}"): expect(409, 409, 403, 403, 404),
    ("POST", ENVS + "/{env}/retry-provisioning"): expect(409, 409, 403, 403, 404),
}


@pytest.fixture(scope="module")
def world(stack, mint):
    people = {}
    for role in ("creator", "manager", "administrator", "developer", "custom", "other_namespace"):
        email = unique_email(role)
        api = Api(stack.api_url, mint(email))
        api.email = email
        people[role] = api
    people["no_token"] = Api(stack.api_url, None)
    people["namespace_credentials"] = Api(stack.api_url, None)
    people["bad_token"] = Api(stack.api_url, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
    creator = people["creator"]
    cid = creator.post("/clusters", json={"name": "matrix", "type": "openshift"}).json()["cluster_id"]
    add_namespace(creator, cid, "team-a")
    add_namespace(creator, cid, "team-b")
    assert creator.put(MANAGERS + "/{email}", cluster_id=cid,
                       email=people["manager"].email).status_code == 200
    make_member(stack, creator, people["administrator"], cid, "team-a", "administrator")
    make_member(stack, creator, people["developer"], cid, "team-a", "developer")
    make_member(stack, creator, people["custom"], cid, "team-a", "custom", ["view_logs"])
    make_member(stack, creator, people["other_namespace"], cid, "team-b", "administrator")
    pending = unique_email("pending")
    creator.post(MEMBERS, cluster_id=cid, namespace="team-a", json={"email": pending, "role": "developer"})
    command = creator.post(ONE + "/commands", cluster_id=cid, namespace="team-a",
                           json={"type": "ping"}).json()["command_id"]
    creator.put(ONE + "/configuration/{section}", cluster_id=cid, namespace="team-a",
                section="ingress", json={"type": "openshift_route", "tls": True})
    creator.post(ONE + "/plans", cluster_id=cid, namespace="team-a",
                 json={"name": "eph", "kind": "database", "type": "ephemeral"})
    creator.post(ONE + "/plans", cluster_id=cid, namespace="team-a",
                 json={"name": "eph-files", "kind": "storage", "type": "ephemeral"})
    creator.post(ENVS, cluster_id=cid, namespace="team-a",
                 json={"name": "shared", "database_plan": "eph", "storage_plan": "eph-files"})
    install = creator.get(ONE + "/installation", cluster_id=cid, namespace="team-a").json()
    agent_header = "Agent {namespace_id}:{agent_secret}".format(**install["parameters"])
    return {"people": people, "cluster_id": cid, "pending": pending, "command_id": command,
            "agent_header": agent_header}


def fresh(name):
    return f"{name}-{uuid.uuid4().hex[:6]}"


# Request bodies by route; a callable gets the actor (names must be fresh per call).
BODIES = {
    ("POST", "/agent/session"): {"namespace_id": "0" * 26, "secret": "cma_wrong"},
    # a user's token is no agent credential
    ("POST", "/agent/secrets"): {"namespace_id": "0" * 26, "secret": "cma_wrong",
                                 "secret_ref": "any"},
    ("POST", "/clusters"): {"name": "mine", "type": "kubernetes"},
    ("PATCH", "/clusters/{cluster_id}"): {"description": "edited"},
    ("POST", NS): lambda actor: {"name": fresh("ns"), "installation_type": "standalone"},
    ("POST", ONE + "/commands"): {"type": "ping"},
    ("POST", MEMBERS): lambda actor: {"email": unique_email("invitee"), "role": "developer"},
    ("PATCH", MEMBERS + "/{email}"): {"role": "custom", "rights": ["view_alerts"]},
    ("PUT", ONE + "/operate"): {"metrics_url": "https://metrics.example.com"},
    ("PATCH", ONE + "/operate"): {"metrics_url": "https://metrics.example.com"},
    ("PUT", ONE + "/configuration/{section}"):
        lambda actor: {"type": "openshift_route", "tls": actor == "creator"},
    ("POST", ONE + "/plans"): lambda actor: {"name": fresh("plan"), "kind": "database",
                                             "type": "ephemeral"},
    ("PATCH", ONE + "/plans/{plan}"): {"active": True},
    ("POST", ENVS): lambda actor: {"name": fresh("env"), "database_plan": "eph",
                                   "storage_plan": "eph-files"},
}
# Path parameters by name (given the world and the route's path).
PATH_ARGS = {
    "command_id": lambda world, path: world["command_id"],
    "token": lambda world, path: "not-a-real-token",
    "section": lambda world, path: "ingress",
    "plan": lambda world, path: "eph",
    "env": lambda world, path: "shared",
    "email": lambda world, path: (unique_email("appointed") if path.startswith(MANAGERS)
                                  else world["pending"]),
}
QUERIES = {
    ("DELETE", MEMBERS + "/{email}"): {"confirm": "true"},
    ("GET", ONE + "/plans/s3-policy"): {"account_id": "123456789012"},
}


def own_resource(world, actor, method, path, args) -> None:
    """The creator's and the manager's destructive calls get resources of
    their own, so the shared cluster, team-a's secret and the pending member
    stay intact."""
    creator, cid = world["people"]["creator"], world["cluster_id"]
    is_creator = actor == "creator"
    if (method, path) == ("DELETE", "/clusters/{cluster_id}") and is_creator:
        args["cluster_id"] = creator.post("/clusters", json={
            "name": "doomed", "type": "kubernetes"}).json()["cluster_id"]
    elif (method, path) == ("DELETE", MANAGERS + "/{email}") and is_creator:
        creator.put(path, cluster_id=cid, email=args["email"])
    elif (method, path) == ("POST", ONE + "/agent-credentials/rotate"):
        args["namespace"] = add_namespace(creator, cid, fresh("rotated"))["name"]
    elif (method, path) == ("DELETE", ONE):
        args["namespace"] = add_namespace(creator, cid, fresh("gone"), "standalone")["name"]
    elif (method, path) == ("DELETE", MEMBERS + "/{email}"):
        args["email"] = unique_email("doomed")
        creator.post(MEMBERS, cluster_id=cid, namespace="team-a",
                     json={"email": args["email"], "role": "developer"})


def request_for(world, actor, method, path):
    """The request one actor makes for one route."""
    args = {"cluster_id": world["cluster_id"], "namespace": "team-a"}
    for name in PATH_PARAM.findall(path):
        if name in PATH_ARGS:
            args[name] = PATH_ARGS[name](world, path)
    if actor in ("creator", "manager"):
        own_resource(world, actor, method, path, args)
    body = BODIES.get((method, path))
    body = body(actor) if callable(body) else body
    headers = {"Authorization": world["agent_header"]} if actor == "namespace_credentials" else None
    return dict(json=body, params=QUERIES.get((method, path)), headers=headers, **args)


def test_matrix_covers_every_route(anon):
    documented = {(m.upper(), p) for p, ops in anon.doc["paths"].items() for m in ops}
    assert documented == set(MATRIX), (
        f"missing from the matrix: {sorted(documented - set(MATRIX))}; "
        f"not routes: {sorted(set(MATRIX) - documented)}")


@pytest.mark.parametrize("method, path", sorted(MATRIX))
def test_route_answers_each_caller_as_expected(world, method, path):
    failures = []
    for actor in ACTORS:
        api = world["people"][actor]
        kwargs = request_for(world, actor, method, path)
        resp = api.request(method, path, **kwargs)
        wanted = MATRIX[(method, path)][actor]
        if resp.status_code != wanted:
            failures.append(f"{actor}: {resp.status_code} (wanted {wanted}) {resp.text[:200]}")
    assert not failures, "\n".join(failures)
