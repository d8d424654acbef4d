"""The customer's service history, documents and work requests.

Every route needs a customer session; the ids come from it, never from the request. Files
are never in a body: the answers carry presigned S3 addresses (portico.domain.files).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.bootstrap import services
from portico.domain.files import Document, DocumentDownload, PhotoGrant, PhotoUpload
from portico.domain.history import PortalPhoto, PortalVisit, VisitsWhen
from portico.domain.work_requests import WorkRequestInput, WorkRequestView
from portico.http.params import Cursor, IdempotencyKey, Limit, RecordId
from portico.http.resolver import create_resolver, customer_only
from portico.http.responses import ItemList, route_responses, saved
from portico.observability import logger
from portico.services import service_history, work_requests

app = create_resolver()
principal = customer_only(app)
svc = services()

READ = route_responses(400, 401, 403, 404)


# --- service history -----------------------------------------------------------------------


@app.get("/v1/me/visits", tags=["customer"], responses=READ)
def list_visits(
    when: VisitsWhen = VisitsWhen.ALL, limit: Limit = 20, cursor: Cursor = None
) -> ItemList[PortalVisit]:
    """Visits by date: `upcoming` (from today, soonest first), `past` (newest first) or
    `all` (newest first), each with its before/after photos as links valid for 5 minutes."""
    return ItemList[PortalVisit].of(
        service_history.list_visits(svc, principal(), when, limit, cursor)
    )


@app.get("/v1/me/visits/<visit_id>", tags=["customer"], responses=READ)
def get_visit(visit_id: RecordId) -> PortalVisit:
    """One visit with its photos."""
    return service_history.get_visit(svc, principal(), visit_id)


@app.get("/v1/me/visits/<visit_id>/photos/<photo_id>", tags=["customer"], responses=READ)
def get_visit_photo(visit_id: RecordId, photo_id: RecordId) -> PortalPhoto:
    """One photo of a visit with a fresh link (valid for 5 minutes)."""
    return service_history.get_visit_photo(svc, principal(), visit_id, photo_id)


# --- documents -----------------------------------------------------------------------------


@app.get("/v1/me/documents", tags=["customer"], responses=READ)
def list_documents() -> ItemList[Document]:
    """The documents the business shared, newest first."""
    return ItemList[Document](items=service_history.my_documents(svc, principal()))


@app.get("/v1/me/documents/<document_id>", tags=["customer"], responses=READ)
def get_document(document_id: RecordId) -> DocumentDownload:
    """The document with `url`: a link that downloads it (as `filename`) for 5 minutes.
    Ask again for a fresh link."""
    return service_history.download_document(svc, principal(), document_id)


# --- work requests -------------------------------------------------------------------------


@app.post(
    "/v1/me/work-requests/photos",
    tags=["customer"],
    responses=route_responses(400, 401, 403, 413, success=(201,)),
)
def start_photo_upload(upload: PhotoUpload) -> Response[PhotoGrant]:
    """Where to upload a photo for a work request (JPEG, PNG, WebP or HEIC, at most 10 MB):
    POST the file to `upload.url` with `upload.fields` within 15 minutes, then name
    `photo_id` in the request."""
    grant = work_requests.photo_upload(svc, principal(), upload)
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=grant)


@app.post(
    "/v1/me/work-requests",
    tags=["customer"],
    responses=route_responses(400, 401, 403, 409, 413, success=(200, 201)),
)
def file_work_request(
    request: WorkRequestInput, idempotency_key: IdempotencyKey
) -> Response[WorkRequestView]:
    """Ask the business for work: the service, a description (1 to 5,000 characters), up
    to 5 preferred dates after today and up to 5 uploaded photos. 201 when filed; the same
    Idempotency-Key again answers 200 with the same request (another body: 409)."""
    filed, created = work_requests.file_request(svc, principal(), request, idempotency_key)
    return saved(filed, created)


@app.get("/v1/me/work-requests", tags=["customer"], responses=READ)
def list_work_requests(limit: Limit = 20, cursor: Cursor = None) -> ItemList[WorkRequestView]:
    """The customer's requests, newest first, with their status and the business's note."""
    return ItemList[WorkRequestView].of(work_requests.my_requests(svc, principal(), limit, cursor))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
