"""Alarms (to one SNS topic, e-mailed when ``alarm_email`` is set): messages
in the events dead-letter queue or in any namespace's, and errors of any
function."""
from aws_cdk import CfnOutput
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.stacks.config import Config
from infra.stacks.functions import camel
from infra.stacks.nag import acknowledge


class Alarms(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: Config) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.topic = sns.Topic(self, "Alarms", enforce_ssl=True)
        if config.alarm_email:
            sns.Subscription(self, "AlarmEmail", topic=self.topic,
                             protocol=sns.SubscriptionProtocol.EMAIL,
                             endpoint=config.alarm_email)
        acknowledge(self.topic, "AwsSolutions-SNS2",
                    "Alarm notifications carry only alarm names and states. CloudWatch cannot "
                    "publish to a topic encrypted with the AWS-managed SNS key, and a customer "
                    "managed key would cost 1 USD a month for no protected data.")
        CfnOutput(self, "AlarmTopicArn", value=self.topic.topic_arn)

    @property
    def actions(self) -> list:
        return [self.topic.topic_arn]

    def dead_letters(self, events_dlq: sqs.IQueue) -> None:
        """Anything in the events DLQ or in a namespace's command DLQ."""
        cloudwatch.CfnAlarm(
            self, "EventsDeadLetterAlarm",
            alarm_description="Agent events ended in the events dead-letter queue "
                              f"({self.config.events_dlq_name}).",
            namespace="AWS/SQS", metric_name="ApproximateNumberOfMessagesVisible",
            dimensions=[cloudwatch.CfnAlarm.DimensionProperty(
                name="QueueName", value=events_dlq.queue_name)],
            statistic="Maximum", period=300, evaluation_periods=1, threshold=0,
            comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
            alarm_actions=self.actions, ok_actions=self.actions,
        )
        # Namespace DLQs come and go with namespaces: one Metrics Insights query
        # covers all of them, present and future.
        pattern = f"{self.config.prefix}ns-%-dlq"
        cloudwatch.CfnAlarm(
            self, "NamespaceDeadLetterAlarm",
            alarm_description="Commands ended in a namespace's dead-letter queue "
                              f"(queues named {pattern.replace('%', '*')}).",
            metrics=[cloudwatch.CfnAlarm.MetricDataQueryProperty(
                id="deadletters", return_data=True, period=300,
                expression=('SELECT MAX(ApproximateNumberOfMessagesVisible) '
                            'FROM SCHEMA("AWS/SQS", QueueName) '
                            f"WHERE QueueName LIKE '{pattern}'"),
            )],
            evaluation_periods=1, threshold=0, comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching", alarm_actions=self.actions,
            ok_actions=self.actions,
        )

    def function_errors(self, function_names) -> None:
        """One alarm per function name."""
        for name in function_names:
            cloudwatch.CfnAlarm(
                self, f"{camel(name.removeprefix(self.config.prefix))}ErrorsAlarm",
                alarm_description=f"{name} raised errors.",
                namespace="AWS/Lambda", metric_name="Errors",
                dimensions=[cloudwatch.CfnAlarm.DimensionProperty(
                    name="FunctionName", value=name)],
                statistic="Sum", period=300, evaluation_periods=1, threshold=0,
                comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
                alarm_actions=self.actions,
            )
