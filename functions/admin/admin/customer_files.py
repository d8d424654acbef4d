"""Admin routes for what the business shares with a customer and hears from them: visit
photos, documents, work requests. Included in the admin resolver, so the business-only
check of `admin.handler` covers them."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

from portico.bootstrap import services
from portico.domain.files import (
    Document,
    DocumentGrant,
    DocumentUpload,
    VisitPhotoGrant,
    VisitPhotoUpload,
)
from portico.domain.service import Visit
from portico.domain.work_requests import WorkRequestChange, WorkRequestStatus, WorkRequestView
from portico.http.params import Cursor, Limit, RecordId
from portico.http.responses import ItemList, route_responses
from portico.services import service_history, work_requests

router = Router()
svc = services()

READ = route_responses(400, 401, 403, 404, 422)
WRITE = route_responses(400, 401, 403, 404, 409, 413, 422)
CREATE = route_responses(400, 401, 403, 404, 409, 413, 422, success=(201,))
DELETED = route_responses(400, 401, 403, 404, 422, success=(204,))


def _business_id() -> str:
    business_id: str = router.context["principal"].business_id
    return business_id


def _created(body: Any) -> Response[Any]:
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=body)


@router.post("/v1/admin/visits/<visit_id>/photos", tags=["admin"], responses=CREATE)
def add_visit_photo(visit_id: RecordId, upload: VisitPhotoUpload) -> Response[VisitPhotoGrant]:
    """Add a before or after photo to a visit (JPEG, PNG, WebP or HEIC, at most 10 MB; 20
    a visit): the photo is recorded, and `upload` says where to POST the file within 15
    minutes. S3 refuses another type, a larger file, or a late one."""
    return _created(service_history.add_visit_photo(svc, _business_id(), visit_id, upload))


@router.delete("/v1/admin/visits/<visit_id>/photos/<photo_id>", tags=["admin"], responses=WRITE)
def remove_visit_photo(visit_id: RecordId, photo_id: RecordId) -> Visit:
    """Remove a photo from a visit, and its file."""
    return service_history.remove_visit_photo(svc, _business_id(), visit_id, photo_id)


@router.post("/v1/admin/customers/<customer_id>/documents", tags=["admin"], responses=CREATE)
def add_document(customer_id: RecordId, upload: DocumentUpload) -> Response[DocumentGrant]:
    """Share a document with a customer (PDF or image, at most 20 MB): the document is
    recorded, and `upload` says where to POST the file within 15 minutes."""
    return _created(service_history.add_document(svc, _business_id(), customer_id, upload))


@router.get("/v1/admin/customers/<customer_id>/documents", tags=["admin"], responses=READ)
def list_documents(customer_id: RecordId) -> ItemList[Document]:
    """The customer's documents, newest first."""
    return ItemList[Document](
        items=service_history.business_documents(svc, _business_id(), customer_id)
    )


@router.delete(
    "/v1/admin/customers/<customer_id>/documents/<document_id>",
    tags=["admin"],
    responses=DELETED,
)
def delete_document(customer_id: RecordId, document_id: RecordId) -> Response[None]:
    """Stop sharing a document, and delete its file."""
    service_history.delete_document(svc, _business_id(), customer_id, document_id)
    return Response(status_code=204)


@router.get("/v1/admin/work-requests", tags=["admin"], responses=READ)
def list_work_requests(
    status: WorkRequestStatus | None = None, limit: Limit = 50, cursor: Cursor = None
) -> ItemList[WorkRequestView]:
    """The customers' work requests, newest first, optionally of one status."""
    page = work_requests.business_requests(svc, _business_id(), status, limit, cursor)
    return ItemList[WorkRequestView].of(page)


@router.patch("/v1/admin/work-requests/<work_request_id>", tags=["admin"], responses=WRITE)
def change_work_request(work_request_id: RecordId, change: WorkRequestChange) -> WorkRequestView:
    """Set a request's status (new, in_review, scheduled, declined, done) and the note its
    customer sees (null removes it)."""
    return work_requests.change_request(svc, _business_id(), work_request_id, change)
