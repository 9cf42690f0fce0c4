"""What the synthesized CloudFormation says: the resources the app needs, with
the properties the issue asks for, and nothing more permissive.

Uses ``aws_cdk.assertions.Template`` on the templates of the one synthesis the
session makes (``conftest.assembly``)."""
import json

import pytest

from infra import definitions
from tests.infra.conftest import PREFIX, STAGE

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ENV_VARS = {"TABLE_NAME", "EVENTS_QUEUE_NAME", "EVENTS_DLQ_NAME", "QUEUE_PREFIX",
            "SECRETS_PREFIX", "AGENT_ROLE_ARN", "AWS_ACCOUNT_ID", "JWT_ISSUER", "JWT_AUDIENCE",
            "JWT_JWKS_URL", "HEARTBEAT_SECONDS", "COMMAND_TIMEOUT_SECONDS", "AGENT_IMAGE",
            "OPERATOR_IMAGE", "MAIL_FROM"}
TABLE_NAME = f"cluster-manager-{STAGE}"


@pytest.fixture(scope="module")
def templates(assembly):
    from aws_cdk.assertions import Template

    return {"data": Template.from_json(assembly.data), "api": Template.from_json(assembly.api)}


def join(value) -> str:
    """A readable form of a CloudFormation string (Fn::Join / Ref / GetAtt)."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        return "".join(join(v) for v in value["Fn::Join"][1])
    if "Ref" in value:
        return "${%s}" % value["Ref"]
    if "Fn::GetAtt" in value:
        return "${%s.%s}" % tuple(value["Fn::GetAtt"])
    if "Fn::ImportValue" in value:
        return "${import:%s}" % value["Fn::ImportValue"]
    return json.dumps(value)


def statements(role: dict) -> list:
    return [s for policy in role["Properties"].get("Policies", [])
            for s in policy["PolicyDocument"]["Statement"]]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


# --- the table (stateful stack) ---------------------------------------------------------

def test_the_table_is_the_one_the_local_stack_creates(templates, assembly):
    from aws_cdk.assertions import Match

    expected = definitions.dynamodb_create_table_args(TABLE_NAME)
    templates["data"].has_resource("AWS::DynamoDB::Table", {
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": Match.object_like({
            "TableName": TABLE_NAME,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": expected["KeySchema"],
            "GlobalSecondaryIndexes": expected["GlobalSecondaryIndexes"],
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "DeletionProtectionEnabled": True,
            "TimeToLiveSpecification": {"AttributeName": definitions.TABLE["ttl_attribute"],
                                        "Enabled": True},
        }),
    })
    (table,) = assembly.resources(assembly.data, "AWS::DynamoDB::Table").values()
    assert sorted(table["Properties"]["AttributeDefinitions"], key=json.dumps) == sorted(
        expected["AttributeDefinitions"], key=json.dumps)
    assert [i["IndexName"] for i in table["Properties"]["GlobalSecondaryIndexes"]] == ["lookup", "due"]


def test_the_user_pool_is_retained_and_requires_totp_mfa(templates):
    from aws_cdk.assertions import Match

    templates["data"].has_resource("AWS::Cognito::UserPool", {
        "DeletionPolicy": "Retain",
        "Properties": Match.object_like({
            "MfaConfiguration": "ON",
            "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
            "DeletionProtection": "ACTIVE",
            "Policies": {"PasswordPolicy": Match.object_like({
                "MinimumLength": 12, "RequireSymbols": True, "RequireUppercase": True,
                "RequireLowercase": True, "RequireNumbers": True})},
        }),
    })
    templates["data"].has_resource_properties("AWS::Cognito::UserPoolClient", {
        "GenerateSecret": False,
        "ExplicitAuthFlows": Match.array_with(["ALLOW_USER_PASSWORD_AUTH",
                                               "ALLOW_REFRESH_TOKEN_AUTH"]),
    })


def test_a_changed_email_counts_only_once_verified(templates):
    """Issue 12 item 1: until the new address is verified the pool keeps the
    original one (and its email_verified), so nobody can take another's email."""
    from aws_cdk.assertions import Match

    templates["data"].has_resource_properties("AWS::Cognito::UserPool", Match.object_like({
        "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
        "AutoVerifiedAttributes": ["email"],
    }))


def test_the_functions_get_the_issuer_audience_and_keys_of_the_user_pool(assembly):
    (_, api) = assembly.functions()["app"]
    env = api["Properties"]["Environment"]["Variables"]
    pool_url = join(env["JWT_ISSUER"])
    assert "ProviderURL" in pool_url          # https://cognito-idp.<region>.amazonaws.com/<pool>
    assert join(env["JWT_JWKS_URL"]) == pool_url + "/.well-known/jwks.json"
    assert "UsersApiClient" in join(env["JWT_AUDIENCE"])   # ID tokens' aud is the client id


# --- queues -------------------------------------------------------------------------------

def test_events_queue_and_its_dead_letter_queue(templates, assembly):
    settings = definitions.EVENTS_QUEUE
    queues = {q["Properties"]["QueueName"]: (k, q)
              for k, q in assembly.resources(assembly.api, "AWS::SQS::Queue").items()}
    assert set(queues) == {f"{PREFIX}events", f"{PREFIX}events-dlq"}
    dlq_id, dlq = queues[f"{PREFIX}events-dlq"]
    _, queue = queues[f"{PREFIX}events"]
    assert queue["Properties"]["VisibilityTimeout"] == settings["visibility_timeout_seconds"]
    assert queue["Properties"]["MessageRetentionPeriod"] == settings["message_retention_seconds"]
    assert queue["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
        "maxReceiveCount": settings["max_receive_count"]}
    assert dlq["Properties"]["MessageRetentionPeriod"] == settings["dlq_retention_seconds"]
    for _, q in queues.values():
        assert q["Properties"]["SqsManagedSseEnabled"] is True
    # both refuse anything but TLS
    templates["api"].resource_count_is("AWS::SQS::QueuePolicy", 2)


def test_events_handler_reads_the_events_queue_with_partial_batch_failures(assembly):
    queue_id = next(k for k, q in assembly.resources(assembly.api, "AWS::SQS::Queue").items()
                    if q["Properties"]["QueueName"] == f"{PREFIX}events")
    _, fn = assembly.functions()["handle_agent_events"]
    (event,) = fn["Properties"]["Events"].values()
    assert event["Type"] == "SQS"
    assert event["Properties"]["Queue"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert event["Properties"]["BatchSize"] == definitions.EVENTS_QUEUE["batch_size"]
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # AWS's advice: the queue's visibility timeout is at least 6× the function's timeout
    assert 6 * fn["Properties"]["Timeout"] <= definitions.EVENTS_QUEUE["visibility_timeout_seconds"]


def test_sweep_runs_every_minute(assembly):
    _, fn = assembly.functions()["sweep"]
    (event,) = fn["Properties"]["Events"].values()
    assert event == {"Type": "Schedule", "Properties": {"Schedule": "rate(1 minute)"}}
    assert fn["Properties"]["Timeout"] < 60


# --- functions ----------------------------------------------------------------------------

def test_every_handler_in_app_py_has_its_own_function_role_and_name(assembly):
    functions = assembly.functions()
    assert {"app", "handle_agent_events", "sweep"} <= set(functions)
    unassigned = [k for k in assembly.api["Resources"] if k.startswith("Unassigned")]
    assert not unassigned, (
        f"handlers without permissions: {unassigned}; add them to FUNCTIONS "
        "(infra/stacks/functions.py) and FunctionRoles._access (infra/stacks/roles.py)")
    roles = [assembly.logical_id_of(fn["Properties"]["Role"]) for _, fn in functions.values()]
    assert len(set(roles)) == len(roles), "functions share a role"
    names = [fn["Properties"]["FunctionName"] for _, fn in functions.values()]
    assert all(n.startswith(PREFIX) for n in names)
    assert {"app": f"{PREFIX}api"}.items() <= {h: fn["Properties"]["FunctionName"]
                                                for h, (_, fn) in functions.items()}.items()


def test_every_function_gets_every_name_as_an_environment_variable(assembly):
    for handler, (_, fn) in assembly.functions().items():
        env = fn["Properties"]["Environment"]["Variables"]
        assert ENV_VARS <= set(env), (handler, ENV_VARS - set(env))
        assert env["TABLE_NAME"] == TABLE_NAME
        assert env["EVENTS_QUEUE_NAME"] == f"{PREFIX}events"
        assert env["EVENTS_DLQ_NAME"] == f"{PREFIX}events-dlq"
        assert env["QUEUE_PREFIX"] == PREFIX
        assert env["SECRETS_PREFIX"] == f"cluster-manager-{STAGE}/"
        assert env["AWS_ACCOUNT_ID"] == {"Ref": "AWS::AccountId"}
        assert env["HEARTBEAT_SECONDS"] == "30"
        assert env["MAIL_FROM"] == "no-reply@example.com"
        agent_role = next(k for k, r in assembly.resources(assembly.api, "AWS::IAM::Role").items()
                          if k.startswith("AgentRole"))
        assert env["AGENT_ROLE_ARN"] == {"Fn::GetAtt": [agent_role, "Arn"]}


def test_every_function_is_traced_and_logs_to_a_group_with_retention(assembly):
    groups = {join(g["Properties"]["LogGroupName"]): (k, g)
              for k, g in assembly.resources(assembly.api, "AWS::Logs::LogGroup").items()
              if "LogGroupName" in g["Properties"]}
    for handler, (_, fn) in assembly.functions().items():
        props = fn["Properties"]
        assert props["Tracing"] == "Active", handler
        group_id, group = groups[f"/aws/lambda/{props['FunctionName']}"]
        assert group["Properties"]["RetentionInDays"] == 30
        assert group_id in as_list(fn.get("DependsOn", [])), "the group must exist first"
    for group in assembly.resources(assembly.api, "AWS::Logs::LogGroup").values():
        assert "RetentionInDays" in group["Properties"]


def test_the_api_is_traced_and_writes_access_logs(templates, assembly):
    from aws_cdk.assertions import Match

    templates["api"].has_resource_properties("AWS::Serverless::Api", {
        "StageName": "api",
        "TracingEnabled": True,
        "AccessLogSetting": Match.object_like({"DestinationArn": Match.any_value()}),
    })
    templates["api"].resource_count_is("AWS::ApiGateway::Account", 1)
    assert "EndpointURL" in assembly.api["Outputs"]


# --- permissions --------------------------------------------------------------------------

def role_of(assembly, handler: str) -> dict:
    _, fn = assembly.functions()[handler]
    return assembly.api["Resources"][assembly.logical_id_of(fn["Properties"]["Role"])]


def grants(role: dict) -> dict:
    """action -> readable resources, for every Allow statement of the role."""
    result = {}
    for s in statements(role):
        assert s["Effect"] == "Allow"
        for action in as_list(s["Action"]):
            result.setdefault(action, set()).update(join(r) for r in as_list(s["Resource"]))
    return result


TABLE_ARN = ("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/"
             + TABLE_NAME)
NS_QUEUES = f"arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:{PREFIX}ns-*"


def check_common(handler: str, g: dict) -> None:
    name = f"/aws/lambda/{PREFIX}"
    assert g.pop("xray:PutTraceSegments") == {"*"}
    assert g.pop("xray:PutTelemetryRecords") == {"*"}
    for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
        (group,) = g.pop(action)
        assert name in group and group.endswith(":*"), group
    for action, resources in g.items():
        assert "*" not in action, (handler, action)
        assert "*" not in resources or action == "secretsmanager:ListSecrets", (handler, action)
        if action.startswith("dynamodb:"):
            assert resources == {TABLE_ARN, TABLE_ARN + "/index/*"}, (handler, action)


def test_the_api_function_may_do_only_what_it_calls(assembly):
    g = grants(role_of(assembly, "app"))
    check_common("app", g)
    assert not {"dynamodb:Scan", "dynamodb:DeleteTable", "dynamodb:CreateTable"} & set(g)
    for action in ("sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes",
                   "sqs:GetQueueAttributes", "sqs:SendMessage"):
        assert g.pop(action) == {NS_QUEUES}, action
    events_queue = next(r for r in g.pop("sqs:GetQueueUrl") if "Events" in r)
    assert events_queue.startswith("${EventsQueue")
    for action in ("secretsmanager:CreateSecret", "secretsmanager:PutSecretValue",
                   "secretsmanager:GetSecretValue", "secretsmanager:DeleteSecret",
                   "secretsmanager:DescribeSecret"):
        (resource,) = g.pop(action)
        assert resource.endswith(f":secret:cluster-manager-{STAGE}/*"), resource
    assert g.pop("secretsmanager:ListSecrets") == {"*"}   # no resource-level permissions
    (agent_role,) = g.pop("sts:AssumeRole")
    assert agent_role.endswith(f":role/{PREFIX}agent-${{AWS::Region}}")
    assert g.pop("ses:SendEmail") == {
        f"arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:identity/{i}"
        for i in ("example.com", "no-reply@example.com")}
    g.pop("states:StartExecution", None)    # checked with the state machine below
    assert all(a.startswith("dynamodb:") for a in g), g
    assert not any(a.startswith("sqs:Receive") for a in g)


def test_the_events_function_reads_its_queue_and_writes_the_table_only(assembly):
    g = grants(role_of(assembly, "handle_agent_events"))
    check_common("handle_agent_events", g)
    for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"):
        (queue,) = g.pop(action)
        assert queue.startswith("${EventsQueue") and queue.endswith(".Arn}")
    # a reconnecting agent gets its configuration as a command
    for action in ("sqs:SendMessage", "sqs:GetQueueUrl"):
        assert g.pop(action) == {NS_QUEUES}, action
    for action in ("states:SendTaskSuccess", "states:SendTaskFailure"):
        (machine,) = g.pop(action, {"${ProvisioningStateMachine}"})
        assert machine.startswith("${ProvisioningStateMachine"), machine
    # the service key alone, to derive agents' event keys (none is stored)
    (service_key,) = g.pop("secretsmanager:GetSecretValue")
    assert service_key.endswith(f":secret:cluster-manager-{STAGE}/service-key-*"), service_key
    assert set(g) <= {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem",
                      "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"}, g
    assert {"dynamodb:Query", "dynamodb:UpdateItem"} <= set(g)


def test_the_sweep_function_touches_the_table_only(assembly):
    g = grants(role_of(assembly, "sweep"))
    check_common("sweep", g)
    assert all(a.startswith("dynamodb:") for a in g), g
    assert {"dynamodb:Query", "dynamodb:UpdateItem"} <= set(g)


def test_only_the_api_function_may_assume_the_agent_role_and_it_reaches_queues_only(assembly):
    roles = assembly.resources(assembly.api, "AWS::IAM::Role")
    agent_id, agent = next((k, r) for k, r in roles.items() if k.startswith("AgentRole"))
    api_role = assembly.logical_id_of(assembly.functions()["app"][1]["Properties"]["Role"])
    assert agent["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [{
        "Action": "sts:AssumeRole", "Effect": "Allow",
        "Principal": {"AWS": {"Fn::GetAtt": [api_role, "Arn"]}}}]
    assert join(agent["Properties"]["RoleName"]) == f"{PREFIX}agent-${{AWS::Region}}"
    assert agent["Properties"]["MaxSessionDuration"] == 3600
    assert "ManagedPolicyArns" not in agent["Properties"]
    g = grants(agent)
    assert set(g) == set(definitions.AGENT_QUEUE_ACTIONS) | set(definitions.AGENT_EVENTS_ACTIONS)
    for action in definitions.AGENT_QUEUE_ACTIONS:
        assert g[action] == {NS_QUEUES}, action
    (events,) = g["sqs:SendMessage"]
    assert events.startswith("${EventsQueue") and events.endswith(".Arn}")
    # and no other role trusts anyone but AWS services
    for logical_id, role in roles.items():
        if logical_id != agent_id:
            for s in role["Properties"]["AssumeRolePolicyDocument"]["Statement"]:
                assert set(s["Principal"]) == {"Service"}, logical_id


def test_no_role_or_policy_grants_wildcard_actions(assembly):
    for template in (assembly.api, assembly.data):
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] in ("AWS::IAM::Role", "AWS::IAM::Policy"):
                docs = [p["PolicyDocument"] for p in resource["Properties"].get("Policies", [])]
                if "PolicyDocument" in resource["Properties"]:
                    docs.append(resource["Properties"]["PolicyDocument"])
                for doc in docs:
                    for s in doc["Statement"]:
                        for action in as_list(s["Action"]):
                            assert not action.endswith("*"), (logical_id, action)


def test_chalice_generates_no_role_or_policy(assembly):
    """manage_iam_role false: every role is one infra/stacks builds."""
    assert "DefaultRole" not in assembly.api["Resources"]
    roles = set(assembly.resources(assembly.api, "AWS::IAM::Role"))
    expected = ("ApiRole", "AgentEventsRole", "SweepRole", "AgentRole", "ApiGatewayLogsRole",
                "Provisioning")
    assert all(r.startswith(expected) for r in roles), roles


def test_the_constructs_keep_the_logical_ids_the_stack_deployed_with(assembly):
    """Splitting the stack into constructs must not rename (and so replace) a
    deployed resource: these are the ids from before the split."""
    before = {
        "Alarms04B5A0BF", "AlarmsPolicy5C860CFE", "AlarmEmail2BD96F84",
        "EventsDeadLetterQueue404572C7", "EventsDeadLetterQueuePolicy6EBFE545",
        "EventsQueueB96EB0D2", "EventsQueuePolicyF3E925EC",
        "ApiRole1873F438", "AgentEventsRole654B626D", "SweepRole19075C26", "AgentRoleF4A42D6B",
        "AgentEventsLogs99983633", "SweepLogsD6C54147", "ApiLogs3D05D88B",
        "ApiAccessLogsE9DF007D", "ApiGatewayLogsRoleA66F4CEE", "ApiGatewayAccount",
        "EventsDeadLetterAlarm", "NamespaceDeadLetterAlarm", "AgentEventsErrorsAlarm",
        "SweepErrorsAlarm", "ApiErrorsAlarm", "APIHandler", "AgentEvents", "Sweep", "RestAPI",
    }
    assert before <= set(assembly.api["Resources"]), before - set(assembly.api["Resources"])
    assert "AlarmTopicArn" in assembly.api["Outputs"]


def test_unique_id_is_cdks_naming_scheme():
    from infra.stacks.api import unique_id

    assert unique_id(["EventsQueue", "Resource"]) == "EventsQueueB96EB0D2"
    assert unique_id(["ApiGatewayAccount"]) == "ApiGatewayAccount"
    assert unique_id(["Alarms", "Resource"]) == "Alarms04B5A0BF"


# --- alarms -------------------------------------------------------------------------------

def test_every_dead_letter_queue_is_watched(assembly):
    alarms = list(assembly.resources(assembly.api, "AWS::CloudWatch::Alarm").values())
    topics = assembly.resources(assembly.api, "AWS::SNS::Topic")
    (topic_id,) = topics
    events_dlq = next(a for a in alarms if a["Properties"].get("Dimensions") == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [
            next(k for k, q in assembly.resources(assembly.api, "AWS::SQS::Queue").items()
                 if q["Properties"]["QueueName"].endswith("events-dlq")), "QueueName"]}}])
    assert events_dlq["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert events_dlq["Properties"]["Threshold"] == 0
    assert events_dlq["Properties"]["ComparisonOperator"] == "GreaterThanThreshold"
    insights = next(a for a in alarms if "Metrics" in a["Properties"])
    (query,) = insights["Properties"]["Metrics"]
    assert query["Expression"] == (
        'SELECT MAX(ApproximateNumberOfMessagesVisible) FROM SCHEMA("AWS/SQS", QueueName) '
        f"WHERE QueueName LIKE '{PREFIX}ns-%-dlq'")
    assert query["ReturnData"] is True and query["Period"] == 300
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching"
    subscriptions = assembly.resources(assembly.api, "AWS::SNS::Subscription")
    assert [s["Properties"]["Endpoint"] for s in subscriptions.values()] == ["ops@example.com"]


def test_every_function_has_an_error_alarm(assembly):
    watched = {a["Properties"]["Dimensions"][0]["Value"]
               for a in assembly.resources(assembly.api, "AWS::CloudWatch::Alarm").values()
               if a["Properties"].get("MetricName") == "Errors"}
    assert watched == {fn["Properties"]["FunctionName"] for _, fn in assembly.functions().values()}


# --- the provisioning state machine (issue 6) --------------------------------------------

def test_the_state_machine_follows_its_definition_file(assembly):
    from infra.stacks.provisioning import PROVISIONING_ASL

    machines = assembly.resources(assembly.api, "AWS::StepFunctions::StateMachine")
    envs = [fn["Properties"]["Environment"]["Variables"] for _, fn in assembly.functions().values()]
    if not PROVISIONING_ASL.exists():
        assert not machines
        assert not any("STATE_MACHINE_ARN" in env for env in envs)
        pytest.skip(f"{PROVISIONING_ASL.relative_to(PROVISIONING_ASL.parents[2])} does not exist "
                    "yet: the stack has no state machine (see test_provisioning.py)")
    (machine_id,) = machines
    machine = machines[machine_id]["Properties"]
    for env in envs:
        assert env["STATE_MACHINE_ARN"] == {"Ref": machine_id}
    definition = machine["DefinitionString"]
    if not isinstance(definition, str):        # substitutions applied at deploy time
        definition = definition["Fn::Sub"][0] if isinstance(definition["Fn::Sub"], list) \
            else definition["Fn::Sub"]
    assert json.loads(definition) == json.loads(PROVISIONING_ASL.read_text())
    assert machine["TracingConfiguration"] == {"Enabled": True}
    assert machine["LoggingConfiguration"]["Level"] == "ALL"
    # who may do what with it: the API starts runs, the events handler answers tasks
    assert grants(role_of(assembly, "app"))["states:StartExecution"] == {"${%s}" % machine_id}
    events = grants(role_of(assembly, "handle_agent_events"))
    for action in ("states:SendTaskSuccess", "states:SendTaskFailure"):
        assert events[action] == {"${%s}" % machine_id}
    assert not any(a.startswith("states:") for a in grants(role_of(assembly, "sweep")))
    # and the machine itself: update the table, hand steps to namespace queues
    policies = [p for k, p in assembly.resources(assembly.api, "AWS::IAM::Policy").items()
                if k.startswith("ProvisioningStateMachineRole")]
    (policy,) = policies
    granted = {}
    for s in policy["Properties"]["PolicyDocument"]["Statement"]:
        for action in as_list(s["Action"]):
            granted.setdefault(action, set()).update(join(r) for r in as_list(s["Resource"]))
    assert granted["sqs:SendMessage"] == {NS_QUEUES}
    assert granted["dynamodb:UpdateItem"] == {TABLE_ARN}
    assert not {a for a in granted if a.startswith(("dynamodb:", "sqs:"))} - {
        "sqs:SendMessage", "dynamodb:UpdateItem"}
