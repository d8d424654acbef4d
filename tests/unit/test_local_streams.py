"""The local runtime's stream event-source mapping: the template's filter, applied as Lambda
applies it, and the mapping read from the template."""

from __future__ import annotations

import json

import pytest

from portico_local.streams import matches, passes
from portico_local.template import stream_sources


def record(event_name: str, type_: str) -> dict:
    return {
        "eventName": event_name,
        "dynamodb": {"NewImage": {"PK": {"S": "EVENT#1"}, "type": {"S": type_}}},
    }


def test_given_the_template_then_the_publisher_reads_the_stream_with_its_filter_and_limits():
    [source] = stream_sources()

    assert source.handler == "events.publisher.lambda_handler"
    assert source.partial_failures is True
    assert source.max_retries == 10
    assert source.on_failure_queue == "EventPublisherDeadLetterQueue"
    assert [json.loads(p) for p in source.patterns] == [
        {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": ["domain_event"]}}}}
    ]


@pytest.mark.parametrize(
    ("event_name", "type_", "passed"),
    [
        ("INSERT", "domain_event", True),
        ("MODIFY", "domain_event", False),  # never re-published by an update
        ("REMOVE", "domain_event", False),  # nor by the TTL's delete
        ("INSERT", "payment", False),  # every other write stays out
    ],
)
def test_given_stream_records_then_only_new_outbox_items_pass_the_filter(event_name, type_, passed):
    [source] = stream_sources()

    assert passes(source, record(event_name, type_)) is passed


def test_given_a_record_without_the_filtered_attribute_then_it_does_not_match():
    assert matches({"dynamodb": {"NewImage": {"type": {"S": ["x"]}}}}, {"dynamodb": {}}) is False


def test_given_a_filter_rule_the_runtime_cannot_apply_then_it_refuses_rather_than_ignores():
    with pytest.raises(ValueError, match="not supported"):
        matches({"eventName": [{"prefix": "INS"}]}, {"eventName": "INSERT"})
