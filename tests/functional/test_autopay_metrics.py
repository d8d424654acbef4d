"""The AutoPay worker counts each outcome as a CloudWatch metric (embedded metric format):
template.yaml's AutoPayFailureRateAlarm divides AutoPayFailed by the attempts."""

from __future__ import annotations

import json

import pytest

from portico.services.autopay_run import start_run
from portico_local.queues import deliver_all
from tests.functional.test_autopay import invoice, turn_on
from tests.functional.test_autopay import world as world  # the fixture
from tests.support.payments import add_card


def emitted_metrics(stdout: str) -> list[tuple[str, float, dict[str, str]]]:
    """(name, value, dimensions) of every metric the handler printed in EMF."""
    found = []
    for line in stdout.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict) or "_aws" not in record:
            continue
        for directive in record["_aws"]["CloudWatchMetrics"]:
            dimensions = {name: record[name] for group in directive["Dimensions"] for name in group}
            for metric in directive["Metrics"]:
                assert directive["Namespace"] == "Portico"
                found.append((metric["Name"], record[metric["Name"]], dimensions))
    return found


@pytest.mark.parametrize(
    ("card", "metric"),
    [("pm_card_visa", "AutoPayCharged"), ("pm_card_chargeCustomerFail", "AutoPayFailed")],
)
def test_given_an_autopay_job_when_the_worker_charges_it_then_its_outcome_is_counted(
    world, fake_stripe, services, capsys, card, metric
):
    # Given Ana's AutoPay card and an invoice due today, queued by a scheduler run
    biz, ana, _ = world
    method = add_card(fake_stripe, ana, card)
    turn_on(ana, method["payment_method_id"])
    invoice(biz, "inv-1", due_date="2026-05-01", autopay_eligible=True)
    start_run(services, services.clock.now(), services.charge_jobs.enqueue)
    capsys.readouterr()

    # When the worker's handler takes the job off the queue
    deliver_all()

    # Then one count of that outcome, for this stage, reaches CloudWatch
    counts = [
        (name, value, dims)
        for name, value, dims in emitted_metrics(capsys.readouterr().out)
        if name.startswith("AutoPay")
    ]
    assert counts == [(metric, [1.0], {"service": "portico", "stage": "dev"})]
