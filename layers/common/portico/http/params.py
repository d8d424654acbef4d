"""Path and query parameter types shared by the routes."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from portico.domain.common import ID_PATTERN, Language

# The business's own ids: 1 to 64 letters, digits, '-' and '_'.
RecordId = Annotated[str, Path(pattern=ID_PATTERN)]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=2048)]
CustomerIdFilter = Annotated[str | None, Query(pattern=ID_PATTERN)]
# The language of a page, a PDF or the terms asked for (`?lang=es`).
LanguageQuery = Annotated[Language, Query()]
# The header that names a request (a payment, a work request), so a retry finds what the
# first one made.
IdempotencyKey = Annotated[
    str,
    Header(
        alias="idempotency-key",
        min_length=8,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="A new random key per request (a UUID); a retry sends the same key.",
    ),
]
