"""Building a grant (chalicelib.domain.access.build) without HTTP or a table:
who sees which namespaces of a cluster, with which rights."""
import pytest

from chalicelib import models
from chalicelib.domain import access
from chalicelib.domain import rights as R
from chalicelib.domain.access import AgentPrincipal, Principal
from chalicelib.errors import NotFound

CREATOR = Principal("creator@example.com", "c")
MEMBER = Principal("member@example.com", "m")


def cluster(deleting=None):
    return models.Cluster("CLUSTER#c1", "CLUSTER", cluster_id="c1", name="prod",
                          type="openshift", creator=CREATOR.email, deleting=deleting)


def namespace(name, namespace_id, deleting=None):
    return models.Namespace("CLUSTER#c1", f"NS#{name}", namespace_id=namespace_id,
                            cluster_id="c1", name=name, installation_type="connected",
                            status="connected", deleting=deleting)


def access_item(principal, role, memberships=None):
    return models.ClusterAccess(f"USER#{principal.email}", "CLUSTER#c1", cluster_id="c1",
                                role=role, memberships=memberships or {})


PARTITION = [cluster(), namespace("team-a", "ns-a"), namespace("team-b", "ns-b")]


def test_the_creator_sees_every_namespace_with_every_right():
    grant = access.build(CREATOR, access_item(CREATOR, access.CREATOR), PARTITION)
    assert grant.is_creator
    assert [ns.name for ns in grant.namespaces] == ["team-a", "team-b"]
    assert grant.rights_in(grant.namespaces[0]) == list(R.ALL)


def test_a_member_sees_only_their_namespaces_with_their_rights():
    rights = R.rights_for("developer", None)
    grant = access.build(MEMBER, access_item(MEMBER, access.MEMBER, {"ns-b": rights}), PARTITION)
    assert not grant.is_creator
    assert [ns.name for ns in grant.namespaces] == ["team-b"]
    assert grant.rights_in(grant.namespaces[0]) == rights
    assert grant.namespace("team-b").namespace_id == "ns-b"
    with pytest.raises(NotFound) as caught:
        grant.namespace("team-a")  # exists, but not visible: 404 like a missing one
    assert caught.value.code == "namespace_not_found"


def test_a_creator_access_item_on_someone_elses_cluster_grants_nothing():
    """Being the creator needs both the role and the cluster's creator field."""
    assert access.build(MEMBER, access_item(MEMBER, access.CREATOR), PARTITION) is None


def test_an_unknown_role_grants_no_access():
    assert access.build(MEMBER, access_item(MEMBER, "visitor"), PARTITION) is None


def test_a_deleted_or_deleting_cluster_is_invisible_unless_resuming_the_delete():
    creator_access = access_item(CREATOR, access.CREATOR)
    assert access.build(CREATOR, creator_access, PARTITION[1:]) is None  # cluster item gone
    going = [cluster(deleting="2026-01-01T00:00:00Z"), *PARTITION[1:]]
    assert access.build(CREATOR, creator_access, going) is None
    assert access.build(CREATOR, creator_access, going, resume_delete=True) is not None


def test_namespaces_being_deleted_are_hidden_unless_resuming():
    items = [cluster(), namespace("team-a", "ns-a"),
             namespace("team-b", "ns-b", deleting="2026-01-01T00:00:00Z")]
    creator_access = access_item(CREATOR, access.CREATOR)
    assert [n.name for n in access.build(CREATOR, creator_access, items).namespaces] == ["team-a"]
    resumed = access.build(CREATOR, creator_access, items, resume_delete=True)
    assert [n.name for n in resumed.namespaces] == ["team-a", "team-b"]


def test_memberships_of_an_access_item_without_any():
    assert access.memberships(access_item(MEMBER, access.MEMBER)) == {}


def test_an_agent_principal_shows_as_the_agent_of_its_namespace():
    assert AgentPrincipal("ns-a", "c1", "team-a").email == "agent:team-a"
