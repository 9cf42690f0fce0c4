"""PynamoDB attribute types: JSON values stored as the same JSON text as
before, and plan flags stored as BOOL while items written as "true"/"false"
still read (moto over HTTP, raw items through boto3)."""
import boto3

from chalicelib import clock, models, settings


def raw_item(pk: str, sk: str) -> dict:
    return boto3.client("dynamodb").get_item(
        TableName=settings.table_name(), Key={"pk": {"S": pk}, "sk": {"S": sk}},
        ConsistentRead=True)["Item"]


def put_raw(item: dict) -> None:
    boto3.client("dynamodb").put_item(TableName=settings.table_name(), Item=item)


def old_plan(pk: str, name: str, active: str) -> dict:
    """A plan as the code before the BooleanAttribute wrote it."""
    return {"pk": {"S": pk}, "sk": {"S": models.plan_sk(name)}, "kind": {"S": "plan"},
            "name": {"S": name}, "plan_kind": {"S": "storage"}, "type": {"S": "ephemeral"},
            "settings": {"S": '{"size": "1Gi", "enabled": true}'}, "active": {"S": active},
            "version": {"N": "1"}}


def test_a_plan_written_with_string_flags_reads_as_booleans_and_is_rewritten_as_bool(stack):
    pk = models.namespace_pk(clock.new_id())
    put_raw(old_plan(pk, "on", "true"))
    put_raw(old_plan(pk, "off", "false"))
    on = models.Plan.get(pk, models.plan_sk("on"), consistent_read=True)
    off = models.Plan.get(pk, models.plan_sk("off"), consistent_read=True)
    assert on.active is True and off.active is False
    assert on.settings == {"size": "1Gi", "enabled": True}
    # a query reads them the same way (typed by the discriminator)
    assert {p.name: p.active for p in models.Item.query(pk)} == {"on": True, "off": False}
    off.active = True
    off.save()
    assert raw_item(pk, models.plan_sk("off"))["active"] == {"BOOL": True}
    assert models.Plan.get(pk, models.plan_sk("off"), consistent_read=True).active is True


def test_new_plans_store_bool_and_the_same_json_text(stack):
    pk = models.namespace_pk(clock.new_id())
    settings_value = {"size": "1Gi", "bucket": "b", "enabled": True}
    models.Plan(pk, models.plan_sk("p"), name="p", plan_kind="storage", type="ephemeral",
                settings=settings_value).save()
    raw = raw_item(pk, models.plan_sk("p"))
    assert raw["active"] == {"BOOL": True}  # the default
    # byte for byte what json.dumps wrote before (insertion order kept)
    assert raw["settings"] == {"S": '{"size": "1Gi", "bucket": "b", "enabled": true}'}


def test_memberships_and_activity_targets_keep_sorted_keys(stack):
    email = f"sorted-{clock.new_id()}@example.com"
    access = models.ClusterAccess(models.user_pk(email), "CLUSTER#x", cluster_id="x",
                                  role="member", memberships={"b": ["view"], "a": ["manage"]})
    access.save()
    raw = raw_item(access.pk, access.sk)
    assert raw["memberships"] == {"S": '{"a": ["manage"], "b": ["view"]}'}
    assert models.ClusterAccess.get(access.pk, access.sk).memberships == {
        "a": ["manage"], "b": ["view"]}


def test_an_access_item_without_memberships_reads_as_empty(stack):
    pk = models.user_pk(f"bare-{clock.new_id()}@example.com")
    put_raw({"pk": {"S": pk}, "sk": {"S": "CLUSTER#y"}, "kind": {"S": "access"},
             "cluster_id": {"S": "y"}, "role": {"S": "creator"}, "memberships": {"S": "{}"},
             "version": {"N": "1"}})
    assert models.ClusterAccess.get(pk, "CLUSTER#y").memberships == {}


def test_command_payload_and_result_round_trip(stack):
    pk = models.namespace_pk(clock.new_id())
    command = models.Command(pk, models.command_sk("c1"), command_id="c1", namespace_id="n",
                             cluster_id="c", namespace="ns", type="ping", state="queued",
                             payload={})
    command.save()
    assert raw_item(pk, command.sk)["payload"] == {"S": "{}"}
    command.update(actions=[models.Command.result.set({"pong": True})])
    got = models.Command.get(pk, command.sk)
    assert got.payload == {} and got.result == {"pong": True}
    assert raw_item(pk, command.sk)["result"] == {"S": '{"pong": true}'}


def test_managers_and_secret_digests_are_json_values_with_the_text_stored_before(stack):
    """Stored as json.dumps wrote them (a sorted list; keys sorted), so items
    written before these were JSON attributes read the same."""
    cluster_id = clock.new_id()
    cluster = models.Cluster(models.cluster_pk(cluster_id), models.CLUSTER_SK,
                             cluster_id=cluster_id, name="c", type="kubernetes",
                             creator="owner@example.com",
                             managers=["a@example.com", "b@example.com"])
    cluster.save()
    assert raw_item(cluster.pk, cluster.sk)["managers"] == {"S": '["a@example.com", "b@example.com"]'}
    assert models.Cluster.get(cluster.pk, cluster.sk).managers == ["a@example.com", "b@example.com"]

    pk = models.namespace_pk(clock.new_id())
    put_raw({**old_plan(pk, "pw", "true"),
             "secret_digests": {"S": '{"password": "pbkdf2_sha256$1$00$ab", "user": "x"}'}})
    plan = models.Plan.get(pk, models.plan_sk("pw"), consistent_read=True)
    assert plan.secret_digests == {"password": "pbkdf2_sha256$1$00$ab", "user": "x"}
    plan.secret_digests = {"user": "y", "password": "z"}
    plan.save()
    assert raw_item(pk, models.plan_sk("pw"))["secret_digests"] == {
        "S": '{"password": "z", "user": "y"}'}
