"""The alarms template.yaml keeps, derived from the template itself: a function or a
dead-letter queue added later is covered or this fails. Also X-Ray on the asynchronous
functions only (docs/decision-log.md), and what docs/operations.md's restore relies on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from portico.domain.autopay import Outcome
from portico.observability import autopay_metric_name

pytestmark = [pytest.mark.template, pytest.mark.xdist_group("sam")]

ASYNC_EVENTS = {"SQS", "DynamoDB", "Kinesis", "Schedule", "ScheduleV2", "EventBridgeRule"}


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == kind
    }


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in resources_of(template, "AWS::CloudWatch::Alarm").items()
    }


def watched_metrics(alarm: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The metrics an alarm reads: its own, or each of its metric-math queries."""
    if "MetricName" in alarm:
        yield {k: alarm.get(k) for k in ("Namespace", "MetricName", "Dimensions")}
    for query in alarm.get("Metrics", []):
        if "MetricStat" in query:
            yield query["MetricStat"]["Metric"]


def alarmed(template: dict[str, Any], namespace: str, metric: str) -> list[Any]:
    """The dimension values of every alarm on `namespace`/`metric`."""
    return [
        dimension["Value"]
        for alarm in alarms(template).values()
        for watched in watched_metrics(alarm)
        if (watched["Namespace"], watched["MetricName"]) == (namespace, metric)
        for dimension in watched.get("Dimensions") or []
    ]


def arn_of(reference: Any) -> str | None:
    """The queue a `!GetAtt Queue.Arn` names."""
    if isinstance(reference, dict) and "Fn::GetAtt" in reference:
        name, attribute = reference["Fn::GetAtt"]
        return name if attribute == "Arn" else None
    return None


def dead_letter_queues(template: dict[str, Any]) -> set[str]:
    """Every queue the template uses as a dead letter: queues' redrive policies, event
    sources' failure destinations and schedules' dead-letter configs."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "deadLetterTargetArn":
                    found.add(arn_of(value) or "")
                elif key in ("DeadLetterConfig", "OnFailure") and isinstance(value, dict):
                    found.add(arn_of(value.get("Arn") or value.get("Destination")) or "")
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(template["Resources"])
    found.discard("")
    return found


def test_given_every_function_then_its_errors_and_throttles_are_alarmed(
    template: dict[str, Any],
):
    # Given
    functions = set(resources_of(template, "AWS::Serverless::Function"))
    assert len(functions) > 10

    # Then
    for metric in ("Errors", "Throttles"):
        watched = {v["Ref"] for v in alarmed(template, "AWS/Lambda", metric) if "Ref" in v}
        assert functions - watched == set(), f"functions without a {metric} alarm"


def test_given_every_dead_letter_queue_then_a_message_in_it_raises_an_alarm(
    template: dict[str, Any],
):
    # Given
    queues = dead_letter_queues(template)
    assert {"EmailDeadLetterQueue", "AutoPayDeadLetterQueue"} <= queues

    # Then each one's visible messages above 0 alarm
    watched = {
        value["Fn::GetAtt"][0]
        for value in alarmed(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
        if isinstance(value, dict) and value.get("Fn::GetAtt", [None, None])[1] == "QueueName"
    }
    assert queues - watched == set()
    for alarm in alarms(template).values():
        if alarm.get("MetricName") == "ApproximateNumberOfMessagesVisible":
            assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")


def test_given_the_api_and_the_table_then_5xx_and_throttles_are_alarmed(
    template: dict[str, Any],
):
    # Then
    assert {"Ref": "HttpApi"} in alarmed(template, "AWS/ApiGateway", "5xx")
    assert {"Ref": "HttpApi"} in alarmed(template, "AWS/ApiGateway", "Count")
    for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
        assert {"Ref": "PorticoTable"} in alarmed(template, "AWS/DynamoDB", metric)
    assert any(
        watched["MetricName"] == "UserErrors"
        for alarm in alarms(template).values()
        for watched in watched_metrics(alarm)
    )


def test_given_the_autopay_alarm_then_it_reads_metrics_the_worker_emits(
    template: dict[str, Any],
):
    # Given the metric names the worker emits, one per outcome
    emitted = {autopay_metric_name(outcome.value) for outcome in Outcome}

    # Then the failure-rate alarm reads failures over the attempts, all emitted names
    watched = {
        metric["MetricName"]
        for metric in watched_metrics(alarms(template)["AutoPayFailureRateAlarm"])
    }
    assert {"AutoPayFailed", "AutoPayCharged"} <= watched <= emitted


def test_given_every_alarm_then_it_notifies_the_alarm_topic(template: dict[str, Any]):
    # Then
    assert len(alarms(template)) > 30
    for name, alarm in alarms(template).items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert alarm["TreatMissingData"] == "notBreaching", name
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "AlarmEmailGiven"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


def test_given_each_function_then_only_the_asynchronous_ones_are_traced(
    template: dict[str, Any],
):
    # Then X-Ray is on where no one waits for a cold start, and off on the API's functions
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        events = (function["Properties"].get("Events") or {}).values()
        asynchronous = any(event["Type"] in ASYNC_EVENTS for event in events)
        assert (function["Properties"].get("Tracing") == "Active") is asynchronous, name


def test_given_the_table_then_it_can_be_restored_and_not_deleted_by_a_deploy(
    template: dict[str, Any],
):
    # Given
    (table,) = resources_of(template, "AWS::DynamoDB::Table").values()

    # Then point-in-time recovery is on and neither a deploy nor a mistake deletes it
    props = table["Properties"]
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["DeletionProtectionEnabled"] is True
    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_given_prod_then_the_template_requires_an_alarm_email(template: dict[str, Any]):
    # Then
    rule = template["Rules"]["ProdAlarmsNeedAnEmail"]
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}
    assert rule["Assertions"][0]["Assert"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }
