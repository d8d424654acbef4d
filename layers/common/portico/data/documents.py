"""Documents the business shares with a customer: items in the customer's collection."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from portico.data.convert import values_of
from portico.data.items import CustomerItem, DocumentItem, customer_pk
from portico.data.transactions import ConditionsFailed, Transaction
from portico.domain.files import Document
from portico.errors import NotFoundError


class DocumentRepository:
    def add(self, business_id: str, document: Document) -> None:
        """Record the document, if its customer exists (one transaction)."""
        keys = DocumentItem.keys(business_id, document.customer_id, document.document_id)
        item = DocumentItem(
            *keys,
            title=document.title,
            content_type=document.content_type,
            size=document.size,
            filename=document.filename,
            added_at=document.added_at,
        )
        try:
            with Transaction() as tx:
                tx.check(
                    "customer",
                    CustomerItem,
                    *CustomerItem.keys(business_id, document.customer_id),
                    condition=CustomerItem.pk.exists(),
                )
                tx.put("document", item, condition=DocumentItem.pk.does_not_exist())
        except ConditionsFailed as error:
            if "customer" in error.labels:
                raise NotFoundError("No such customer.") from error
            raise

    def get(self, business_id: str, customer_id: str, document_id: str) -> Document | None:
        """One document of the customer (one GetItem in their partition)."""
        try:
            item = DocumentItem.get(*DocumentItem.keys(business_id, customer_id, document_id))
        except DoesNotExist:
            return None
        return _document(item)

    def list(self, business_id: str, customer_id: str) -> list[Document]:
        """The customer's documents, newest first (one Query in their partition; a page of
        1 MB holds thousands)."""
        pk = customer_pk(business_id, customer_id)
        found = DocumentItem.query(
            pk, DocumentItem.sk.startswith("DOCUMENT#"), scan_index_forward=False
        )
        return [_document(item) for item in found if isinstance(item, DocumentItem)]

    def delete(self, business_id: str, customer_id: str, document_id: str) -> bool:
        """Remove the record; False if there was none."""
        item = DocumentItem(*DocumentItem.keys(business_id, customer_id, document_id))
        try:
            with Transaction() as tx:
                tx.delete("document", item, condition=DocumentItem.pk.exists())
        except ConditionsFailed:
            return False
        return True


def _document(item: DocumentItem) -> Document:
    values = values_of(item, Document.model_fields)
    values["size"] = int(values["size"])
    return Document(
        document_id=item.sk.removeprefix("DOCUMENT#"),
        customer_id=item.pk.rsplit("#CUST#", 1)[1],
        **values,
    )
