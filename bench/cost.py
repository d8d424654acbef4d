"""AWS cost per 1,000 customers per month, from the measured counts (docs/operations.md, "Cost").

    python -m bench.cost

The AWS requests per route are those of docs/benchmarks.md section (b) and (e) (counted
against moto by the bench and tests/functional/test_aws_calls.py); item sizes are those
`python -m bench.item_sizes` prints; Lambda durations are the in-process figures of section
(c) without moto's share, plus a round trip per AWS call as deployed. The usage model and
the prices are stated below; change them and run it again.
"""

from __future__ import annotations

from dataclasses import dataclass

CUSTOMERS = 1000
BUSINESSES = 5  # 200 customers each
DYNAMODB_ROUND_TRIP_MS = 8  # per AWS call, deployed in the same region (an assumption)
COLD_START_SHARE = 0.5  # sparse traffic: about every other request starts an instance
INIT_S = 0.6  # the import cost of (a), ~0.5 s, and the runtime's own start; billed since 2025-08

# us-east-1, on-demand list prices in USD (AWS pricing pages, read 2025; check before use).
PRICE = {
    "lambda_gb_s": 0.0000133334,  # arm64
    "lambda_request": 0.20 / 1e6,
    "http_api_request": 1.00 / 1e6,
    "ddb_wru": 0.625 / 1e6,  # on-demand, after the November 2024 price cut
    "ddb_rru": 0.125 / 1e6,
    "ddb_gb_month": 0.25,
    "pitr_gb_month": 0.20,
    "sqs_request": 0.40 / 1e6,
    "ses_email": 0.10 / 1000,
    "eventbridge_event": 1.00 / 1e6,
    "cloudfront_request": 0.0100 / 10000,  # HTTPS, North America
    "cloudfront_gb": 0.085,
    "s3_gb_month": 0.023,
    "s3_get": 0.0004 / 1000,
    "s3_put": 0.005 / 1000,
    "logs_gb": 0.50,
    "secret_month": 0.40,
    "alarm_metric": 0.10,
}

# DynamoDB request units per call, from the measured item sizes (bench.item_sizes: every
# item under 1.6 KB, a customer's whole collection 6.9 KB): a read of up to 4 KB is 1 RRU
# (strongly consistent; 0.5 eventually), a Query of the collection 2; a write of an item
# under 1 KB is 1 WRU plus 1 per index copy; a transaction's item costs 2 WRU, and the
# measured transactions write about 4 items, 3 of them indexed: 11 WRU.
RRU = {"GetItem": 1.0, "BatchGetItem": 2.0, "Query": 2.0}
WRU = {"PutItem": 2.0, "UpdateItem": 2.0, "DeleteItem": 1.0, "TransactWriteItems": 11.0}


@dataclass(frozen=True)
class Route:
    """One kind of request: its AWS calls (section (b)), the function's time without moto
    (section (c), p99 excl. moto), its memory (template.yaml) and how often it happens per
    customer per month."""

    name: str
    per_customer: float
    calls: dict[str, int]
    own_ms: float
    memory_gb: float = 0.5
    via_api: bool = True
    sqs: int = 0
    emails: float = 0
    events: float = 0

    def aws_calls(self) -> int:
        return sum(self.calls.values())

    def duration_s(self) -> float:
        return (self.own_ms + DYNAMODB_ROUND_TRIP_MS * (self.aws_calls() + self.sqs)) / 1000


# The usage model: each customer, each month, visits the portal 3 times (one password
# sign-in, two silent refreshes), sees 5 pages a visit, pays one invoice (60% by AutoPay,
# 40% by hand, each followed by Stripe's webhook), gets 1.36 emails (the receipt; AutoPay's
# notice), and the business's CRM syncs 1 invoice and 4 visits for them. The mailer sends
# each email (its lookups, then SES); the publisher puts each domain event on the bus.
ROUTES = [
    Route("portal page (GET /v1/portals/{slug})", 3, {"Query": 1}, 5.3),
    Route(
        "password sign-in [Argon2id]",
        1,
        {"BatchGetItem": 2, "GetItem": 1, "Query": 2, "TransactWriteItems": 1},
        54.0,
    ),
    Route("refresh", 2, {"BatchGetItem": 1, "GetItem": 1, "TransactWriteItems": 1}, 12.5),
    Route("portal page view (GET /v1/me...)", 15, {"Query": 1}, 7.3),
    Route(
        "payment by hand (POST /v1/me/payments)",
        0.4,
        {
            "BatchGetItem": 3,
            "GetItem": 1,
            "PutItem": 1,
            "Query": 1,
            "TransactWriteItems": 2,
            "UpdateItem": 1,
        },
        33.3 + 400,  # Stripe's PaymentIntent round trip, deployed (an assumption)
        sqs=1,
        emails=1,
        events=1,
    ),
    Route(
        "AutoPay charge (worker)",
        0.6,
        {
            "BatchGetItem": 2,
            "GetItem": 3,
            "PutItem": 1,
            "Query": 1,
            "TransactWriteItems": 2,
            "UpdateItem": 1,
        },
        20 + 400,
        via_api=False,
        sqs=2,  # its job received and deleted; the receipt queued
        emails=1.6,  # the receipt and the notice days before
        events=1,
    ),
    Route(
        "Stripe webhook (payment_intent.succeeded)",
        1,
        {"BatchGetItem": 2, "GetItem": 2, "PutItem": 1, "Query": 1, "TransactWriteItems": 1},
        27.8,
        sqs=1,
    ),
    Route(
        "CRM sync: invoice (PUT /v1/admin/invoices/{id}, API key)",
        1,
        {"GetItem": 4, "TransactWriteItems": 1},
        16.8 + 2.4,
        events=1,
    ),
    Route(
        "CRM sync: visit (PUT /v1/admin/visits/{id}, API key)",
        4,
        {"GetItem": 3, "TransactWriteItems": 1},
        11.0 + 2.4,
        events=1,
    ),
    Route("mailer (one email)", 1.36, {"GetItem": 3}, 30 + 50, via_api=False),
    Route("event publisher (one event)", 6, {}, 10 + 30, via_api=False),
]

# The AutoPay scheduler, every 15 minutes, per business: the business's settings and its four
# AutoPay index shards with the notice and card-expiry queries (the bench's run: 281 Query
# and 20 GetItem over 20 businesses, so 15 calls a business), about 300 ms an invocation.
SCHEDULER_RUNS = 4 * 24 * 30
SCHEDULER_CALLS_PER_BUSINESS = 15

# The signed-in customer of bench.item_sizes: 17 items, 6,852 bytes, 20 index copies of
# 11,194 bytes, plus 100 bytes of overhead per item and per copy; the table holds about
# 18 items a customer (57,243 bytes for 10 customers and their business).
BYTES_PER_CUSTOMER = 6852 + 11194 + 100 * (17 + 20)
MEDIA_MB_PER_CUSTOMER = 2.0  # visit photos and documents (an assumption)
WEB_MB_PER_VISIT = 0.3  # web/ pages and scripts, compressed, mostly cached by the browser
LOG_KB_PER_REQUEST = 1.5  # Powertools' structured lines (an assumption)
SECRETS = 2 + BUSINESSES  # Stripe, session keys, one admin API key per business
ALARM_METRICS = 15 * 2 + 4 + 2 + 2 + 1 + 3  # template.yaml: functions x2, DLQs, 5xx, table...


def estimate() -> list[tuple[str, str, float]]:
    """(line, how it is counted, USD per month) for CUSTOMERS customers."""
    lines: list[tuple[str, str, float]] = []
    requests = sum(r.per_customer for r in ROUTES if r.via_api) * CUSTOMERS
    invocations = sum(r.per_customer for r in ROUTES) * CUSTOMERS
    rru = sum(
        r.per_customer * CUSTOMERS * sum(RRU.get(c, 0) * n for c, n in r.calls.items())
        for r in ROUTES
    )
    wru = sum(
        r.per_customer * CUSTOMERS * sum(WRU.get(c, 0) * n for c, n in r.calls.items())
        for r in ROUTES
    )
    scheduler_rru = SCHEDULER_RUNS * BUSINESSES * SCHEDULER_CALLS_PER_BUSINESS * 0.5
    lines.append(
        (
            "DynamoDB requests",
            f"{rru / 1e3:.1f}k RRU + {scheduler_rru / 1e3:.1f}k RRU (scheduler), "
            f"{wru / 1e3:.1f}k WRU",
            (rru + scheduler_rru) * PRICE["ddb_rru"] + wru * PRICE["ddb_wru"],
        )
    )
    gb = BYTES_PER_CUSTOMER * CUSTOMERS / 1e9
    lines.append(
        (
            "DynamoDB storage + PITR",
            f"{gb * 1000:.1f} MB (items and index copies)",
            gb * (PRICE["ddb_gb_month"] + PRICE["pitr_gb_month"]),
        )
    )
    # The authorizer runs before every API request (1024 MB, 0.35 ms with an access token,
    # about 10 ms with an API key's GetItem); the functions after it.
    gb_s = (
        sum(r.per_customer * CUSTOMERS * r.duration_s() * r.memory_gb for r in ROUTES)
        + requests * 0.010 * 1.0
    )
    gb_s += SCHEDULER_RUNS * (0.3 + BUSINESSES * SCHEDULER_CALLS_PER_BUSINESS * 0.008) * 0.5
    cold = (invocations + requests) * COLD_START_SHARE * INIT_S * 0.5
    lines.append(
        (
            "Lambda",
            f"{invocations + requests + SCHEDULER_RUNS:,.0f} invocations, "
            f"{gb_s:,.0f} GB-s running + {cold:,.0f} GB-s starting",
            (gb_s + cold) * PRICE["lambda_gb_s"]
            + (invocations + requests + SCHEDULER_RUNS) * PRICE["lambda_request"],
        )
    )
    lines.append(
        (
            "API Gateway (HTTP API)",
            f"{requests:,.0f} requests",
            requests * PRICE["http_api_request"],
        )
    )
    sqs = sum(r.per_customer * CUSTOMERS * r.sqs for r in ROUTES)
    emails = sum(r.per_customer * CUSTOMERS * r.emails for r in ROUTES)
    sqs += emails * 2  # the mailer receives and deletes each job
    lines.append(("SQS", f"{sqs:,.0f} requests", sqs * PRICE["sqs_request"]))
    lines.append(("SES", f"{emails:,.0f} emails", emails * PRICE["ses_email"]))
    events = sum(r.per_customer * CUSTOMERS * r.events for r in ROUTES)
    lines.append(("EventBridge", f"{events:,.0f} events", events * PRICE["eventbridge_event"]))
    visits = 3 * CUSTOMERS
    web_gb = visits * WEB_MB_PER_VISIT / 1000
    cf_requests = requests + visits * 10
    lines.append(
        (
            "CloudFront",
            f"{cf_requests:,.0f} requests, {web_gb:.1f} GB (pages and API)",
            cf_requests * PRICE["cloudfront_request"] + web_gb * PRICE["cloudfront_gb"],
        )
    )
    media_gb = MEDIA_MB_PER_CUSTOMER * CUSTOMERS / 1000
    lines.append(
        (
            "S3 (media)",
            f"{media_gb:.1f} GB, {CUSTOMERS * 5:,} presigned GETs, {CUSTOMERS * 4:,} PUTs",
            media_gb * PRICE["s3_gb_month"]
            + CUSTOMERS * 5 * PRICE["s3_get"]
            + CUSTOMERS * 4 * PRICE["s3_put"],
        )
    )
    log_gb = (invocations + requests) * LOG_KB_PER_REQUEST / 1e6
    lines.append(("CloudWatch Logs", f"{log_gb:.2f} GB ingested", log_gb * PRICE["logs_gb"]))
    lines.append(
        (
            "CloudWatch alarms (fixed)",
            f"{ALARM_METRICS} alarm metrics",
            ALARM_METRICS * PRICE["alarm_metric"],
        )
    )
    lines.append(("Secrets Manager (fixed)", f"{SECRETS} secrets", SECRETS * PRICE["secret_month"]))
    return lines


def markdown() -> str:
    rows = estimate()
    out = ["| line | counted | USD / month |", "|---|---|---|"]
    out += [f"| {line} | {counted} | {usd:.2f} |" for line, counted, usd in rows]
    fixed = sum(usd for line, _, usd in rows if "(fixed)" in line)
    total = sum(usd for _, _, usd in rows)
    out.append(
        f"| **total** | variable {total - fixed:.2f} + fixed {fixed:.2f} | **{total:.2f}** |"
    )
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown())
