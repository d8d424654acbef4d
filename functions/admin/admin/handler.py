"""The admin API: portal settings, API keys and the CRM sync of customers, invoices, visits
and estimates. Every route needs a business principal (API key or staff session)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from admin import customer_files
from portico.bootstrap import services
from portico.domain.autopay import AutoPayRun, AutoPayRunDetail
from portico.domain.billing import InvoiceRecord, InvoiceView
from portico.domain.business import (
    MAX_LOGO_REQUEST_BYTES,
    AdminPortal,
    ApiKey,
    IssuedApiKey,
    LogoUpload,
    PortalChanges,
    PortalSettings,
    SlugAvailability,
)
from portico.domain.customer import Customer, CustomerFilter, CustomerRecord
from portico.domain.preferences import PreferenceChanges, PreferencesView
from portico.domain.reviews import ReviewList
from portico.domain.service import Estimate, EstimateRecord, Visit, VisitRecord
from portico.http.params import Cursor, CustomerIdFilter, Limit, RecordId
from portico.http.resolver import business_only, create_resolver
from portico.http.responses import ItemList, route_responses, saved
from portico.observability import logger
from portico.services import (
    api_keys,
    autopay_report,
    logos,
    portals,
    preferences,
    records,
    reviews,
)

# The logo upload carries up to 200 KB of image as base64: more than other bodies may.
app = create_resolver(body_limits={"PUT /v1/admin/portal/logo": MAX_LOGO_REQUEST_BYTES})
principal = business_only(app)
svc = services()
app.include_router(customer_files.router)

READ = route_responses(400, 401, 403, 404, 422)
WRITE = route_responses(400, 401, 403, 404, 409, 413, 422)
UPSERT = route_responses(400, 401, 403, 404, 409, 413, 422, success=(200, 201))
CREATE = route_responses(400, 401, 403, 413, 422, success=(201,))


def _business_id() -> str:
    return principal().business_id


# --- portal settings -----------------------------------------------------------------------


@app.get("/v1/admin/portal", tags=["admin"], responses=READ)
def get_portal() -> AdminPortal:
    return portals.admin_portal(svc, _business_id())


@app.put("/v1/admin/portal", tags=["admin"], responses=WRITE)
def put_portal(changes: PortalChanges) -> AdminPortal:
    return portals.update_portal(svc, _business_id(), changes)


@app.put("/v1/admin/portal/logo", tags=["admin"], responses=WRITE)
def put_logo(upload: LogoUpload) -> PortalSettings:
    """Upload the portal's logo: a PNG or JPEG of at most 200 KB, base64 in `data`. It shows
    on the portal and heads every invoice, receipt and statement, instead of `logo_url`."""
    return logos.upload_logo(svc, _business_id(), upload)


@app.delete("/v1/admin/portal/logo", tags=["admin"], responses=WRITE)
def delete_logo() -> PortalSettings:
    """Remove the uploaded logo; `branding.logo_url`, if set, shows again."""
    return logos.delete_logo(svc, _business_id())


@app.get("/v1/admin/portal/slug-availability", tags=["admin"], responses=READ)
def slug_availability(slug: Annotated[str, Query(min_length=1, max_length=64)]) -> SlugAvailability:
    return portals.check_slug(svc, slug.lower(), _business_id())


# --- API keys ------------------------------------------------------------------------------


@app.get("/v1/admin/api-keys", tags=["admin"], responses=READ)
def list_api_keys() -> ItemList[ApiKey]:
    return ItemList[ApiKey](items=api_keys.list_keys(svc, _business_id()))


@app.post("/v1/admin/api-keys", tags=["admin"], responses=CREATE)
def create_api_key(
    label: Annotated[str, Query(min_length=1, max_length=80)] = "API key",
) -> Response[IssuedApiKey]:
    return saved(api_keys.issue_key(svc, _business_id(), label), created=True)


@app.delete("/v1/admin/api-keys/<key_id>", tags=["admin"], responses=WRITE)
def revoke_api_key(key_id: RecordId) -> ApiKey:
    return api_keys.revoke_key(svc, _business_id(), key_id)


# --- customers -----------------------------------------------------------------------------


@app.put("/v1/admin/customers/<customer_id>", tags=["admin"], responses=UPSERT)
def put_customer(customer_id: RecordId, record: CustomerRecord) -> Response[Customer]:
    result = records.upsert_customer(svc, _business_id(), customer_id, record)
    return saved(result.record, result.created)


@app.get("/v1/admin/customers/<customer_id>", tags=["admin"], responses=READ)
def get_customer(customer_id: RecordId) -> Customer:
    return records.get_customer(svc, _business_id(), customer_id)


@app.get("/v1/admin/customers", tags=["admin"], responses=READ)
def list_customers(
    filter: CustomerFilter = CustomerFilter.ALL,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ItemList[Customer]:
    page = records.list_customers(svc, _business_id(), filter, limit, cursor)
    return ItemList[Customer].of(page)


@app.get("/v1/admin/customers/<customer_id>/preferences", tags=["admin"], responses=READ)
def get_customer_preferences(customer_id: RecordId) -> PreferencesView:
    """The customer's notification preferences, with when they last changed."""
    return preferences.customer_preferences(svc, _business_id(), customer_id)


@app.put("/v1/admin/customers/<customer_id>/preferences", tags=["admin"], responses=WRITE)
def put_customer_preferences(customer_id: RecordId, changes: PreferenceChanges) -> PreferencesView:
    """Turn notifications off for a customer who asked (logged with the business as the
    source). Turning one on is the customer's to do: asking answers 400."""
    return preferences.change_for_customer(svc, _business_id(), customer_id, changes)


# --- AutoPay runs ---------------------------------------------------------------------------

RunId = Annotated[str, Path(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$")]


@app.get("/v1/admin/autopay/runs", tags=["admin"], responses=READ)
def list_autopay_runs(limit: Limit = 50, cursor: Cursor = None) -> ItemList[AutoPayRun]:
    """AutoPay runs that had anything to charge, newest first, with their counts (final
    once every outcome is in)."""
    return ItemList[AutoPayRun].of(autopay_report.list_runs(svc, _business_id(), limit, cursor))


@app.get("/v1/admin/autopay/runs/<run_id>", tags=["admin"], responses=READ)
def get_autopay_run(run_id: RunId) -> AutoPayRunDetail:
    """One run: what it charged, what failed and why (and when it is retried), what it
    skipped and why."""
    return autopay_report.get_run(svc, _business_id(), run_id)


# --- reviews -------------------------------------------------------------------------------


@app.get("/v1/admin/reviews", tags=["admin"], responses=READ)
def list_reviews(
    rating: Annotated[int | None, Query(ge=1, le=5)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ReviewList:
    """The customers' private reviews, newest first (`rating` for one rating only), with the
    count, average and count per rating of all of them."""
    return reviews.list_reviews(svc, _business_id(), rating, limit, cursor)


# --- invoices ------------------------------------------------------------------------------


@app.put("/v1/admin/invoices/<invoice_id>", tags=["admin"], responses=UPSERT)
def put_invoice(invoice_id: RecordId, record: InvoiceRecord) -> Response[InvoiceView]:
    result = records.upsert_invoice(svc, _business_id(), invoice_id, record)
    return saved(InvoiceView.of(result.record), result.created)


@app.get("/v1/admin/invoices/<invoice_id>", tags=["admin"], responses=READ)
def get_invoice(invoice_id: RecordId) -> InvoiceView:
    return InvoiceView.of(records.get_record(svc.invoices, _business_id(), invoice_id))


@app.get("/v1/admin/invoices", tags=["admin"], responses=READ)
def list_invoices(
    customer_id: CustomerIdFilter = None, limit: Limit = 50, cursor: Cursor = None
) -> ItemList[InvoiceView]:
    page = svc.invoices.list(_business_id(), customer_id, limit, cursor)
    return ItemList[InvoiceView](
        items=[InvoiceView.of(invoice) for invoice in page.items], next_cursor=page.next_cursor
    )


# --- visits --------------------------------------------------------------------------------


@app.put("/v1/admin/visits/<visit_id>", tags=["admin"], responses=UPSERT)
def put_visit(visit_id: RecordId, record: VisitRecord) -> Response[Visit]:
    result = records.upsert_visit(svc, _business_id(), visit_id, record)
    return saved(result.record, result.created)


@app.get("/v1/admin/visits/<visit_id>", tags=["admin"], responses=READ)
def get_visit(visit_id: RecordId) -> Visit:
    return records.get_record(svc.visits, _business_id(), visit_id)


@app.get("/v1/admin/visits", tags=["admin"], responses=READ)
def list_visits(
    customer_id: CustomerIdFilter = None, limit: Limit = 50, cursor: Cursor = None
) -> ItemList[Visit]:
    return ItemList[Visit].of(svc.visits.list(_business_id(), customer_id, limit, cursor))


# --- estimates -----------------------------------------------------------------------------


@app.put("/v1/admin/estimates/<estimate_id>", tags=["admin"], responses=UPSERT)
def put_estimate(estimate_id: RecordId, record: EstimateRecord) -> Response[Estimate]:
    result = records.upsert_estimate(svc, _business_id(), estimate_id, record)
    return saved(result.record, result.created)


@app.get("/v1/admin/estimates/<estimate_id>", tags=["admin"], responses=READ)
def get_estimate(estimate_id: RecordId) -> Estimate:
    return records.get_record(svc.estimates, _business_id(), estimate_id)


@app.get("/v1/admin/estimates", tags=["admin"], responses=READ)
def list_estimates(
    customer_id: CustomerIdFilter = None, limit: Limit = 50, cursor: Cursor = None
) -> ItemList[Estimate]:
    return ItemList[Estimate].of(svc.estimates.list(_business_id(), customer_id, limit, cursor))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
