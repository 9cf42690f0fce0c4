"""Domain rules against the AWS stand-in with real PynamoDB calls."""
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from pynamodb.exceptions import PutError

from chalicelib import models, settings
from chalicelib.domain import clusters, namespaces
from chalicelib.errors import ApiError, Conflict, NotFound


class Child(models.Item, discriminator="test-child"):
    """Stands for whatever later lives under a namespace (commands, plans …)."""


def partition(pk):
    return list(models.Item.query(pk))


def test_create_writes_cluster_and_access_in_one_transaction(alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform="eks").cluster
    items = partition(models.cluster_pk(cluster.cluster_id))
    assert [type(i).__name__ for i in items] == ["Cluster"]
    assert items[0].version == 1 and items[0].kind is models.Cluster
    grants = partition(models.user_pk(alice.email))
    assert [g.cluster_id for g in grants] == [cluster.cluster_id]


def test_namespace_names_are_unique_under_concurrency(alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster

    def attempt(_):
        try:
            namespaces.create(alice, cluster.cluster_id, name="same", installation_type="connected")[1]
            return "created"
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = sorted(pool.map(attempt, range(10)))
    assert results == ["conflict"] * 9 + ["created"]


def test_namespace_is_found_by_id_through_the_lookup_index(alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster
    ns = namespaces.create(alice, cluster.cluster_id, name="n1", installation_type="connected")[1]
    found = list(models.Item.lookup.query(models.namespace_pk(ns.namespace_id)))
    assert [f.name for f in found] == ["n1"]


def test_cannot_add_namespace_to_a_cluster_being_deleted(alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster
    cluster.update(actions=[models.Cluster.deleting.set("now")])
    with pytest.raises(NotFound):
        namespaces.create(alice, cluster.cluster_id, name="late", installation_type="connected")[1]
    assert [type(i).__name__ for i in partition(models.cluster_pk(cluster.cluster_id))] == ["Cluster"]


def test_delete_cluster_purges_every_item_and_is_resumable(alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster
    ns = namespaces.create(alice, cluster.cluster_id, name="n1", installation_type="connected")[1]
    child = Child(models.namespace_pk(ns.namespace_id), "CMD#1")
    child.save()
    # an interrupted delete: marked, nothing purged yet
    cluster.update(actions=[models.Cluster.deleting.set("earlier")])
    clusters.delete(alice, cluster.cluster_id)
    assert partition(models.cluster_pk(cluster.cluster_id)) == []
    assert partition(models.namespace_pk(ns.namespace_id)) == []
    assert partition(models.user_pk(alice.email)) == []


def test_namespace_with_environments_cannot_be_deleted_and_says_which(alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster
    ns = namespaces.create(alice, cluster.cluster_id, name="busy", installation_type="connected")[1]
    Child(models.namespace_pk(ns.namespace_id), "ENV#shop").save()
    ns.update(actions=[models.Namespace.environment_count.set(1)])
    with pytest.raises(Conflict) as err:
        namespaces.delete(alice, cluster.cluster_id, "busy")
    assert "shop" in err.value.message
    assert namespaces.get(alice, cluster.cluster_id, "busy")[1].deleting is None


def test_concurrent_edit_is_a_conflict_not_a_lost_update(alice):
    cluster = clusters.create(alice, name="c", type="kubernetes", description=None, platform=None).cluster
    stale = models.Cluster.get(cluster.pk, cluster.sk)
    clusters.update(alice, cluster.cluster_id, {"name": "first"})
    stale.name = "second"
    with pytest.raises(PutError, match="ConditionalCheckFailed"):
        stale.save()
    assert models.Cluster.get(cluster.pk, cluster.sk).name == "first"


def test_errors_carry_status_and_code():
    err = Conflict("x", code="namespace_exists")
    assert isinstance(err, ApiError) and err.status == 409
    assert err.body() == {"error": "namespace_exists", "message": "x"}


def test_table_has_the_indexes_infra_defines(stack):
    from infra.definitions import TABLE

    desc = boto3.client("dynamodb").describe_table(TableName=settings.table_name())["Table"]
    assert {i["IndexName"] for i in desc["GlobalSecondaryIndexes"]} == {
        i["name"] for i in TABLE["indexes"]}
