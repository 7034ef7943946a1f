"""template.yaml is safe to run in production: alarms on every failure that would otherwise go unseen, a
dashboard, retention on every log group, X-Ray on every function, and API access logs without PII.
Each test reads the template, so deleting or weakening one of these fails here."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.unit.local.resource_types import of_type

ALARM = "AWS::CloudWatch::Alarm"
HOT_FUNCTIONS = ["V2SendNotificationFunction", "V1SmsFunction", "DispatchFunction", "ReceiptsFunction"]


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return of_type(template["Resources"], kind)


def _alarms_on(template: dict[str, Any], namespace: str, metric: str) -> list[dict[str, Any]]:
    return [
        a
        for a in _of_type(template, ALARM).values()
        if (a.get("Namespace"), a.get("MetricName")) == (namespace, metric)
    ]


def _dimension(alarm: dict[str, Any], name: str) -> Any:
    return next((d["Value"] for d in alarm.get("Dimensions", []) if d["Name"] == name), None)


def _fires_on_any(alarm: dict[str, Any]) -> bool:
    return bool(alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold")


# ---------------------------------------------------------------- alarms


def test_every_alarm_notifies_the_alarm_topic(template: dict[str, Any]) -> None:
    alarms = _of_type(template, ALARM)
    assert len(alarms) >= 15
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert alarm.get("AlarmDescription"), name
        assert alarm["TreatMissingData"] in ("notBreaching", "ignore"), name  # no traffic is not an outage


def test_alarm_topic_is_encrypted_with_a_key_cloudwatch_may_use(template: dict[str, Any]) -> None:
    topic = _of_type(template, "AWS::SNS::Topic")["AlarmTopic"]
    key_id = topic["KmsMasterKeyId"]["Fn::GetAtt"][0]  # not alias/aws/sns: its policy shuts CloudWatch out
    key = _of_type(template, "AWS::KMS::Key")[key_id]
    grants = [s for s in key["KeyPolicy"]["Statement"] if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert len(grants) == 1 and set(grants[0]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def _on_failure_queues(node: Any) -> set[str]:
    """Queues named as a stream mapping's (or an async invocation's) OnFailure destination, anywhere below `node`."""
    if isinstance(node, list):
        return set().union(*map(_on_failure_queues, node))
    if not isinstance(node, dict):
        return set()
    found: set[str] = set().union(*map(_on_failure_queues, node.values()))
    match node.get("OnFailure"):
        case {"Destination": {"Fn::GetAtt": [queue, "Arn"]}}:
            found.add(queue)
    return found


def test_every_dead_letter_queue_has_a_depth_alarm(template: dict[str, Any]) -> None:
    """Redrive targets, and the queues stream consumers set failed batches aside on."""
    queues = _of_type(template, "AWS::SQS::Queue")
    dlqs = {q["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0] for q in queues.values() if "RedrivePolicy" in q}
    dlqs |= _on_failure_queues(_of_type(template, "AWS::Serverless::Function")) & set(queues)
    assert len(dlqs) >= 4 and "ChangeEventsDLQ" in dlqs
    watched = {
        _dimension(a, "QueueName")["Fn::GetAtt"][0]
        for a in _alarms_on(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
        if _fires_on_any(a) and a["Statistic"] == "Maximum"
    }
    assert dlqs <= watched, dlqs - watched


def test_dispatch_queue_age_is_watched(template: dict[str, Any]) -> None:
    (alarm,) = _alarms_on(template, "AWS/SQS", "ApproximateAgeOfOldestMessage")
    assert _dimension(alarm, "QueueName") == {"Fn::GetAtt": ["DispatchQueue", "QueueName"]}
    assert 0 < alarm["Threshold"] <= 3600


def test_every_stream_consumer_is_watched_for_falling_behind(template: dict[str, Any]) -> None:
    """A stream keeps records 24 hours: a consumer whose batch keeps failing must be seen long before that."""
    readers = {
        name
        for name, function in _of_type(template, "AWS::Serverless::Function").items()
        if any(event["Type"] == "DynamoDB" for event in function.get("Events", {}).values())
    }
    assert {"ChangeEventsFunction", "ReceiptsFunction"} <= readers
    watched = {
        _dimension(a, "FunctionName")["Ref"]
        for a in _alarms_on(template, "AWS/Lambda", "IteratorAge")
        if a["Statistic"] == "Maximum" and 0 < a["Threshold"] <= 3_600_000
    }
    assert readers <= watched, readers - watched


def test_every_consumer_function_has_an_errors_alarm(template: dict[str, Any]) -> None:
    """Queue, stream, schedule and log-subscription functions have no caller to see a 5xx: each has its own alarm."""
    consumers = {
        name
        for name, function in _of_type(template, "AWS::Serverless::Function").items()
        if any(event["Type"] != "HttpApi" for event in function.get("Events", {}).values())
    }
    assert {"DispatchFunction", "ReceiptsFunction", "CallbacksFunction", "SweeperFunction"} <= consumers
    watched = {
        _dimension(a, "FunctionName")["Ref"]
        for a in _alarms_on(template, "AWS/Lambda", "Errors")
        if _fires_on_any(a) and a["Statistic"] == "Sum"
    }
    assert consumers <= watched, consumers - watched


def test_api_functions_are_watched_through_the_5xx_rate(template: dict[str, Any]) -> None:
    alarm = _of_type(template, ALARM)["Api5xxAlarm"]
    queries = {q["Id"]: q for q in alarm["Metrics"]}
    metrics = {q["MetricStat"]["Metric"]["MetricName"]: q for q in queries.values() if "MetricStat" in q}
    assert set(metrics) == {"5xx", "Count"}
    for query in metrics.values():
        assert query["MetricStat"]["Metric"]["Namespace"] == "AWS/ApiGateway"
        assert query["MetricStat"]["Metric"]["Dimensions"] == [{"Name": "ApiId", "Value": {"Ref": "HttpApi"}}]
        assert query["MetricStat"]["Stat"] == "Sum" and query["ReturnData"] is False
    (rate,) = [q for q in queries.values() if q.get("ReturnData") is True]
    expression = rate["Expression"]
    assert re.search(rf"100 \* .*{metrics['5xx']['Id']}.* / {metrics['Count']['Id']}\b", expression), expression
    assert 0 < alarm["Threshold"] <= 5  # percent
    assert alarm["ComparisonOperator"] in ("GreaterThanThreshold", "GreaterThanOrEqualToThreshold")


def test_lambda_throttles_are_watched_for_the_whole_account(template: dict[str, Any]) -> None:
    (alarm,) = _alarms_on(template, "AWS/Lambda", "Throttles")
    assert "Dimensions" not in alarm  # every function shares the account's concurrency
    assert _fires_on_any(alarm)


@pytest.mark.parametrize(
    ("metric", "aws_review"), [("Reputation.BounceRate", 0.05), ("Reputation.ComplaintRate", 0.001)]
)
def test_ses_reputation_alarms_fire_before_aws_reviews_the_account(
    template: dict[str, Any], metric: str, aws_review: float
) -> None:
    (alarm,) = _alarms_on(template, "AWS/SES", metric)
    assert 0 < alarm["Threshold"] < aws_review
    assert alarm["ComparisonOperator"] in ("GreaterThanThreshold", "GreaterThanOrEqualToThreshold")
    assert alarm["Statistic"] == "Maximum"


# ---------------------------------------------------------------- dashboard


def _dashboard(template: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The dashboard's JSON with each ${Name} or ${Name.Attribute} replaced by `Name`, and the names used."""
    (properties,) = _of_type(template, "AWS::CloudWatch::Dashboard").values()
    body = properties["DashboardBody"]["Fn::Sub"]
    assert isinstance(body, str)
    names = set(re.findall(r"\$\{([^}.]+)(?:\.[^}]+)?\}", body))
    return json.loads(re.sub(r"\$\{([^}.]+)(?:\.[^}]+)?\}", r"\1", body)), names


def _graphed(dashboard: dict[str, Any]) -> list[tuple[str, ...]]:
    """(namespace, metric, dimension values...) of every metric on every graph."""
    rows = [row for w in dashboard["widgets"] if w["type"] == "metric" for row in w["properties"]["metrics"]]
    return [tuple(part for part in row if isinstance(part, str)) for row in rows]


def test_dashboard_names_only_real_resources(template: dict[str, Any]) -> None:
    dashboard, names = _dashboard(template)
    assert names
    assert names <= set(template["Resources"]) | {"AWS::Region"}, names - set(template["Resources"])
    for widget in dashboard["widgets"]:
        assert {"type", "x", "y", "width", "height", "properties"} <= set(widget)
        assert widget["x"] + widget["width"] <= 24


def test_dashboard_shows_every_alarm(template: dict[str, Any]) -> None:
    dashboard, _ = _dashboard(template)
    shown = {a for w in dashboard["widgets"] if w["type"] == "alarm" for a in w["properties"]["alarms"]}
    assert shown == set(_of_type(template, ALARM))


def test_dashboard_graphs_the_api_queues_functions_and_providers(template: dict[str, Any]) -> None:
    graphed = set(_graphed(_dashboard(template)[0]))
    for metric in ("Count", "4xx", "5xx", "Latency"):
        assert ("AWS/ApiGateway", metric, "ApiId", "HttpApi") in graphed, metric
    for metric in ("ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"):
        assert ("AWS/SQS", metric, "QueueName", "DispatchQueue") in graphed, metric
    queues = _of_type(template, "AWS::SQS::Queue")
    for q in queues.values():
        if "RedrivePolicy" in q:
            dlq = q["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
            assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", dlq) in graphed, dlq
    for function in HOT_FUNCTIONS:
        for metric in ("Errors", "Duration"):
            assert ("AWS/Lambda", metric, "FunctionName", function) in graphed, (function, metric)
    assert any(row[:2] == ("AWS/Lambda", "Throttles") for row in graphed)
    for metric in ("Send", "Bounce", "Complaint", "Reputation.BounceRate", "Reputation.ComplaintRate"):
        assert ("AWS/SES", metric) in graphed, metric
    for metric in ("NumberOfNotificationsDelivered", "NumberOfNotificationsFailed"):
        assert ("AWS/SNS", metric, "PhoneNumber", "PhoneNumberDirect") in graphed, metric


# ---------------------------------------------------------------- logs and traces


SNS_SMS_LOG_GROUPS = {"SmsDeliveryLogGroup", "SmsFailureLogGroup"}  # each line a recipient's number


def test_every_log_group_keeps_logs_for_the_retention_parameter_and_numbers_a_day(template: dict[str, Any]) -> None:
    groups = _of_type(template, "AWS::Logs::LogGroup")
    assert {"FunctionsLogGroup", "ApiAccessLogGroup"} | SNS_SMS_LOG_GROUPS <= set(groups)
    for name, group in groups.items():
        expected = 1 if name in SNS_SMS_LOG_GROUPS else {"Ref": "LogRetentionDays"}
        assert group["RetentionInDays"] == expected, name


def test_every_function_logs_to_a_group_with_retention(resources: dict[str, Any]) -> None:
    functions = {n: r["Properties"] for n, r in resources.items() if r["Type"] == "AWS::Lambda::Function"}
    assert len(functions) >= 30
    for name, function in functions.items():  # without LoggingConfig, Lambda keeps /aws/lambda/<name> forever
        group = function["LoggingConfig"]["LogGroup"]["Ref"]
        assert resources[group]["Type"] == "AWS::Logs::LogGroup", name
        assert "RetentionInDays" in resources[group]["Properties"], name
        assert function["LoggingConfig"]["LogFormat"] == "JSON", name


def test_every_function_is_traced(resources: dict[str, Any]) -> None:
    functions = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::Function"]
    assert functions
    for function in functions:
        assert function["TracingConfig"] == {"Mode": "Active"}, function["Handler"]


# ---------------------------------------------------------------- API access logs

ACCESS_LOG_FIELDS = {"requestId", "routeKey", "status", "responseLatency", "responseLength", "integrationError"}
PII_VARIABLES = (
    "$context.path",
    "$context.identity",
    "$context.authorizer",
    "$context.domain",
    "$context.customDomain",
)


def test_api_access_logs_are_json_without_pii(resources: dict[str, Any]) -> None:
    (stage,) = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Stage"]
    settings = stage["AccessLogSettings"]
    group = settings["DestinationArn"]["Fn::GetAtt"][0]
    assert resources[group]["Type"] == "AWS::Logs::LogGroup"
    assert "RetentionInDays" in resources[group]["Properties"]
    line = json.loads(settings["Format"])  # every value is quoted, so an absent one ("-") is still JSON
    assert set(line) >= ACCESS_LOG_FIELDS, ACCESS_LOG_FIELDS - set(line)
    assert line["routeKey"] == "$context.routeKey"  # the route template, never the path with its ids
    for field, variable in line.items():
        assert re.fullmatch(r"\$context\.[A-Za-z.]+", variable), field  # one variable per field, no free text
        assert not variable.startswith(PII_VARIABLES), (field, variable)
