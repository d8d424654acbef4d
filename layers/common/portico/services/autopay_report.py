"""The AutoPay run report for the business (`GET /v1/admin/autopay/runs`)."""

from __future__ import annotations

from portico.bootstrap import Services
from portico.data.pagination import Page
from portico.domain.autopay import AutoPayRun, AutoPayRunDetail
from portico.errors import NotFoundError


def list_runs(svc: Services, business_id: str, limit: int, cursor: str | None) -> Page[AutoPayRun]:
    """Runs that selected anything, newest first (one Query)."""
    page: Page[AutoPayRun] = svc.autopay.runs(business_id, limit, cursor)
    return page


def get_run(svc: Services, business_id: str, run_id: str) -> AutoPayRunDetail:
    """A run with every invoice's outcome."""
    run = svc.autopay.run(business_id, run_id)
    if run is None:
        raise NotFoundError("No such AutoPay run.")
    return run
