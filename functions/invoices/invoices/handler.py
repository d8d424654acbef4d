"""The customer's billing pages: dashboard, invoices, payments, statement and their PDFs;
the activity log.

Every route needs a customer session; the ids come from it, never from the request.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.bootstrap import services
from portico.domain.statements import Statement
from portico.errors import BadRequestError
from portico.http.params import Cursor, LanguageQuery, Limit, RecordId
from portico.http.resolver import create_resolver, customer_only
from portico.http.responses import ItemList, download, route_responses
from portico.observability import logger
from portico.services import activity, billing

app = create_resolver()
principal = customer_only(app)
svc = services()

DateText = Annotated[str | None, Query(max_length=32)]
READ = route_responses(400, 401, 403, 404)
PDF = route_responses(401, 403, 404, media_types=("application/pdf",))


def _document(body: bytes | str, media_type: str, filename: str) -> Response[Any]:
    return download(
        body,
        media_type,
        {
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise BadRequestError(
            f"`{name}` is not a date (YYYY-MM-DD).", code="invalid_date"
        ) from error


@app.get("/v1/me", tags=["customer"], responses=route_responses(401, 403))
def get_dashboard() -> billing.Dashboard:
    """Balance, past due, credit, AutoPay, next visit, counts, and the business's details."""
    return billing.dashboard(svc, principal())


@app.get("/v1/me/invoices", tags=["customer"], responses=READ)
def list_invoices(
    status: Literal["open", "paid", "all"] = "all", limit: Limit = 20, cursor: Cursor = None
) -> ItemList[billing.PortalInvoice]:
    """Sent invoices, unpaid first, then newest."""
    page = billing.list_invoices(svc, principal(), status, limit, cursor)
    return ItemList[billing.PortalInvoice].of(page)


@app.get("/v1/me/invoices/<invoice_id>", tags=["customer"], responses=READ)
def get_invoice(invoice_id: RecordId) -> billing.PortalInvoice:
    """One invoice: lines, tax, totals, amount paid and due, the payments applied."""
    return billing.get_invoice(svc, principal(), invoice_id)


@app.get("/v1/me/invoices/<invoice_id>/pdf", tags=["customer"], responses=PDF)
def get_invoice_pdf(invoice_id: RecordId, lang: LanguageQuery = "en") -> Response[Any]:
    pdf = billing.invoice_pdf(svc, principal(), invoice_id, lang)
    return _document(pdf, "application/pdf", f"invoice-{invoice_id}.pdf")


@app.get("/v1/me/payments", tags=["customer"], responses=READ)
def list_payments(limit: Limit = 20, cursor: Cursor = None) -> ItemList[billing.PortalPayment]:
    """Payments and refunds, newest first, with the invoices each was applied to."""
    return ItemList[billing.PortalPayment].of(
        billing.list_payments(svc, principal(), limit, cursor)
    )


@app.get("/v1/me/activity", tags=["customer"], responses=READ)
def list_activity(limit: Limit = 20, cursor: Cursor = None) -> ItemList[activity.ActivityView]:
    """The customer's activity log, newest first: sign-ins, AutoPay consent (with the text
    agreed to), payment methods added or removed, payments made or failed, receipts sent."""
    return ItemList[activity.ActivityView].of(
        activity.list_activity(svc, principal(), limit, cursor)
    )


@app.get("/v1/me/payments/<payment_id>/receipt", tags=["customer"], responses=PDF)
def get_receipt(payment_id: RecordId, lang: LanguageQuery = "en") -> Response[Any]:
    pdf = billing.receipt_pdf(svc, principal(), payment_id, lang)
    return _document(pdf, "application/pdf", f"receipt-{payment_id}.pdf")


@app.get(
    "/v1/me/statement",
    tags=["customer"],
    responses=route_responses(
        400,
        401,
        403,
        media_types=("application/json", "text/csv", "application/pdf"),
        json_model=Statement,
    ),
)
def get_statement(
    from_: Annotated[str | None, Query(alias="from", max_length=32)] = None,
    to: DateText = None,
    format: Annotated[str, Query(max_length=8)] = "json",
    lang: LanguageQuery = "en",
) -> Response[Any]:
    """Opening balance, every invoice and payment with a running balance, closing balance.
    `from`/`to` default to the last 90 days; a year-end statement is Jan 1 to Dec 31."""
    start, end = _date(from_, "from"), _date(to, "to")
    if format == "json":
        found: Statement = billing.statement(svc, principal(), start, end)
        return Response(status_code=200, content_type="application/json", body=found)
    if format == "csv":
        csv = billing.statement_csv(svc, principal(), start, end)
        return _document(csv, "text/csv; charset=utf-8", "statement.csv")
    if format == "pdf":
        pdf = billing.statement_document(svc, principal(), start, end, lang)
        return _document(pdf, "application/pdf", "statement.pdf")
    raise BadRequestError("`format` must be json, csv or pdf.", code="invalid_format")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
