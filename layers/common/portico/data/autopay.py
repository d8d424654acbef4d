"""AutoPay's data: consent on the profile, the index of what is due (GSI4), holds, notices,
the run report.

The index (GSI4, sparse) holds an invoice exactly while `Invoice.autopay_due` says so: every
write of an invoice recomputes its keys (`autopay_index_actions`), so paying it, voiding it,
holding it for a payment or turning AutoPay off takes it out in the same transaction.
Partitions are `BIZ#{b}#AUTOPAY#{shard}`; sort keys `D#{due date}#...` for first attempts
(the run applies the business's timing to the due date) and `R#{retry date}#...` for retries.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from portico.data.activity import activity_item
from portico.data.billing import to_invoice
from portico.data.convert import plain, stored
from portico.data.events import record_event
from portico.data.items import (
    AUTOPAY_SHARDS,
    AutoPayOutcomeItem,
    AutoPayRunItem,
    CustomerItem,
    InvoiceItem,
    PaymentMethodItem,
    autopay_pk,
)
from portico.data.payments import later
from portico.data.repositories import autopay_index_actions
from portico.data.table import PorticoItem
from portico.data.transactions import Transaction
from portico.domain.autopay import (
    ActivityEntry,
    AutoPayRun,
    AutoPayRunDetail,
    Outcome,
    RunOutcome,
)
from portico.domain.billing import Invoice
from portico.domain.events import DomainEvent

RUN_RETENTION = timedelta(days=400)  # a year of run reports, and a little more


def _conditional(update: Any) -> bool:
    """Run a conditional update; False when its condition did not hold."""
    try:
        update()
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True


class AutoPayRepository:
    # --- consent ----------------------------------------------------------------------------

    def set_autopay(
        self,
        business_id: str,
        customer_id: str,
        *,
        enabled: bool,
        method: tuple[str, int | None, int | None] | None,
        was: tuple[bool, str | None],
        previous_method: tuple[str, int | None, int | None] | None,
        invoices: Sequence[Invoice],
        entry: ActivityEntry,
        now: datetime,
        events: Sequence[DomainEvent] = (),
    ) -> None:
        """Turn AutoPay on (with `method`: id, expiry month and year) or off, in one
        transaction: the profile (conditional on the state `was` as read), the activity
        entry, the domain events, the AutoPay card's expiry index, and the customer's open
        invoices (each as read) in or out of AutoPay's index. Raises `ConditionsFailed` when
        any of it moved."""
        profile = CustomerItem(*CustomerItem.keys(business_id, customer_id))
        was_enabled, was_method = was
        condition = CustomerItem.pk.exists() & (
            (CustomerItem.autopay_enabled == True)  # noqa: E712
            if was_enabled
            else (
                CustomerItem.autopay_enabled.does_not_exist()
                | (CustomerItem.autopay_enabled == False)  # noqa: E712
            )
        )
        condition &= (
            CustomerItem.autopay_method_id == was_method
            if was_method
            else CustomerItem.autopay_method_id.does_not_exist()
        )
        actions: list[Any] = [CustomerItem.autopay_enabled.set(enabled)]
        actions.append(
            CustomerItem.autopay_method_id.set(method[0])
            if method
            else CustomerItem.autopay_method_id.remove()
        )
        with Transaction() as tx:
            tx.update("profile", profile, actions=actions, condition=condition)
            tx.put("activity", activity_item(business_id, customer_id, entry))
            for event in events:
                record_event(tx, event)
            if previous_method and (method is None or previous_method[0] != method[0]):
                tx.update(
                    "old_method",
                    PaymentMethodItem(
                        *PaymentMethodItem.keys(business_id, customer_id, previous_method[0])
                    ),
                    actions=[PorticoItem.gsi4pk.remove(), PorticoItem.gsi4sk.remove()],
                    condition=PaymentMethodItem.pk.exists(),
                )
            if method:
                method_id, month, year = method
                keys = PaymentMethodItem.keys(business_id, customer_id, method_id)
                if month and year:  # a card: its expiry month, for the warning
                    pk, sk = PaymentMethodItem.expiry_keys(
                        business_id, customer_id, method_id, year, month
                    )
                    tx.update(
                        "method",
                        PaymentMethodItem(*keys),
                        actions=[PorticoItem.gsi4pk.set(pk), PorticoItem.gsi4sk.set(sk)],
                        condition=PaymentMethodItem.pk.exists(),
                    )
                else:  # a bank account does not expire
                    tx.check("method", PaymentMethodItem, *keys, PaymentMethodItem.pk.exists())
            for invoice in invoices:
                after = invoice.model_copy(update={"autopay_customer": enabled})
                tx.update(
                    f"invoice:{invoice.invoice_id}",
                    InvoiceItem(
                        *InvoiceItem.keys(business_id, invoice.customer_id, invoice.invoice_id)
                    ),
                    actions=[
                        InvoiceItem.autopay_customer.set(enabled),
                        InvoiceItem.updated_at.set(later(invoice.updated_at, now)),
                        *autopay_index_actions(business_id, after),
                    ],
                    condition=InvoiceItem.updated_at == invoice.updated_at,
                )

    def add_activity(self, business_id: str, customer_id: str, entry: ActivityEntry) -> None:
        activity_item(business_id, customer_id, entry).save()

    # --- holds --------------------------------------------------------------------------------

    def set_hold(
        self, business_id: str, invoice: Invoice, held: bool, entry: ActivityEntry, now: datetime
    ) -> Invoice:
        """Hold an invoice out of AutoPay, or release it (a release lets AutoPay charge it at
        its due date again, even if a run skipped it while held). One transaction with the
        activity entry, conditional on the invoice as read."""
        after = invoice.model_copy(
            update={
                "autopay_hold": held,
                "autopay_done_for": invoice.autopay_done_for if held else None,
                "updated_at": later(invoice.updated_at, now),
            }
        )
        actions: list[Any] = [
            InvoiceItem.autopay_hold.set(held),
            InvoiceItem.updated_at.set(after.updated_at),
            *autopay_index_actions(business_id, after),
        ]
        if not held:
            actions.append(InvoiceItem.autopay_done_for.remove())
        with Transaction() as tx:
            tx.update(
                "invoice",
                InvoiceItem(
                    *InvoiceItem.keys(business_id, invoice.customer_id, invoice.invoice_id)
                ),
                actions=actions,
                condition=InvoiceItem.updated_at == invoice.updated_at,
            )
            tx.put("activity", activity_item(business_id, invoice.customer_id, entry))
        return after

    def skip_due_date(self, business_id: str, invoice: Invoice, now: datetime) -> None:
        """AutoPay is done with this invoice's due date without charging it (held, no
        method): out of the index until the due date changes or the hold is released. A no-op
        if the invoice changed since read (the next run sees it as it is now)."""
        after = invoice.model_copy(update={"autopay_done_for": invoice.due_date})
        item = InvoiceItem(*InvoiceItem.keys(business_id, invoice.customer_id, invoice.invoice_id))
        _conditional(
            lambda: item.update(
                actions=[
                    InvoiceItem.autopay_done_for.set(invoice.due_date.isoformat()),
                    InvoiceItem.updated_at.set(later(invoice.updated_at, now)),
                    *autopay_index_actions(business_id, after),
                ],
                condition=InvoiceItem.updated_at == invoice.updated_at,
            )
        )

    # --- what a run selects -----------------------------------------------------------------

    def due(
        self, business_id: str, first_until: date | None, retries_until: date
    ) -> Iterator[tuple[str, str]]:
        """(customer id, invoice id) of every invoice in the business's AutoPay index whose
        due date is on or before `first_until` (None: any) or whose retry is on or before
        `retries_until`; shard by shard, a page at a time."""
        for shard in range(AUTOPAY_SHARDS):
            pk = f"{autopay_pk(business_id)}#{shard}"
            first_bound = f"D#{first_until.isoformat()}~" if first_until else "D#~"
            ranges = [("D#", first_bound), ("R#", f"R#{retries_until.isoformat()}~")]
            for low, high in ranges:
                for item in PorticoItem.gsi4.query(pk, PorticoItem.gsi4sk.between(low, high)):
                    if isinstance(item, InvoiceItem):
                        yield item.customer_id, item.sk.split("#", 1)[1]

    def upcoming(self, business_id: str, after: date, until: date) -> Iterator[Invoice]:
        """First attempts due after `after` and on or before `until` whose customer has not
        been told yet (the AutoPay notice), held ones left out."""
        for shard in range(AUTOPAY_SHARDS):
            pk = f"{autopay_pk(business_id)}#{shard}"
            condition = PorticoItem.gsi4sk.between(f"D#{after.isoformat()}~", f"D#{until}~")
            for item in PorticoItem.gsi4.query(pk, condition):
                if not isinstance(item, InvoiceItem):
                    continue
                invoice = to_invoice(item)
                if not invoice.autopay_hold and invoice.autopay_notice_for != invoice.due_date:
                    yield invoice

    def expiring_cards(self, business_id: str, until_month: str) -> Iterator[tuple[str, str, str]]:
        """(customer id, method id, month) of AutoPay cards expiring by `until_month`
        (YYYY-MM) whose customer was not warned for that month."""
        pk = f"{autopay_pk(business_id)}#CARDS"
        for item in PorticoItem.gsi4.query(pk, PorticoItem.gsi4sk <= f"{until_month}~"):
            if not isinstance(item, PaymentMethodItem) or item.gsi4sk is None:
                continue
            month, customer_id, method_id = item.gsi4sk.split("#", 2)
            if item.expiry_notice_for != month:
                yield customer_id, method_id, month

    def invoice(self, business_id: str, customer_id: str, invoice_id: str) -> Invoice | None:
        try:
            return to_invoice(
                InvoiceItem.get(
                    *InvoiceItem.keys(business_id, customer_id, invoice_id), consistent_read=True
                )
            )
        except DoesNotExist:
            return None

    # --- notices (each once) ------------------------------------------------------------------

    def claim_charge_notice(self, business_id: str, invoice: Invoice) -> bool:
        """Claim the AutoPay notice of this invoice's due date; False if sent already or the
        due date moved."""
        item = InvoiceItem(*InvoiceItem.keys(business_id, invoice.customer_id, invoice.invoice_id))
        due = invoice.due_date.isoformat()
        return _conditional(
            lambda: item.update(
                actions=[InvoiceItem.autopay_notice_for.set(due)],
                condition=(InvoiceItem.due_date == due)
                & (
                    InvoiceItem.autopay_notice_for.does_not_exist()
                    | (InvoiceItem.autopay_notice_for != due)
                ),
            )
        )

    def release_charge_notice(self, business_id: str, invoice: Invoice) -> None:
        """Give the notice's claim back after the email could not be sent."""
        item = InvoiceItem(*InvoiceItem.keys(business_id, invoice.customer_id, invoice.invoice_id))
        due = invoice.due_date.isoformat()
        _conditional(
            lambda: item.update(
                actions=[InvoiceItem.autopay_notice_for.remove()],
                condition=InvoiceItem.autopay_notice_for == due,
            )
        )

    def release_expiry_notice(
        self, business_id: str, customer_id: str, method_id: str, month: str
    ) -> None:
        """Give the expiry warning's claim back after the email could not be sent."""
        item = PaymentMethodItem(*PaymentMethodItem.keys(business_id, customer_id, method_id))
        _conditional(
            lambda: item.update(
                actions=[PaymentMethodItem.expiry_notice_for.remove()],
                condition=PaymentMethodItem.expiry_notice_for == month,
            )
        )

    def claim_expiry_notice(
        self, business_id: str, customer_id: str, method_id: str, month: str
    ) -> bool:
        """Claim the expiry warning of a card for the month it expires; False if sent."""
        item = PaymentMethodItem(*PaymentMethodItem.keys(business_id, customer_id, method_id))
        return _conditional(
            lambda: item.update(
                actions=[PaymentMethodItem.expiry_notice_for.set(month)],
                condition=PaymentMethodItem.pk.exists()
                & (
                    PaymentMethodItem.expiry_notice_for.does_not_exist()
                    | (PaymentMethodItem.expiry_notice_for != month)
                ),
            )
        )

    # --- the run report -----------------------------------------------------------------------

    def open_run(self, business_id: str, run_id: str, selected: int, now: datetime) -> None:
        """Record that a run selected `selected` invoices of the business (a run delivered
        twice adds what it selected again: the report shows the larger count)."""
        item = AutoPayRunItem(*AutoPayRunItem.keys(business_id, run_id))
        item.update(
            actions=[
                AutoPayRunItem.entity.set(AutoPayRunItem),  # an update may create it
                AutoPayRunItem.started_at.set(AutoPayRunItem.started_at | now),
                AutoPayRunItem.selected.set(selected),
                AutoPayRunItem.expires_at.set(now + RUN_RETENTION),
            ]
        )

    def outcome_item(
        self, business_id: str, run_id: str, outcome: RunOutcome
    ) -> AutoPayOutcomeItem:
        """The item of one invoice's outcome in a run (written in the transaction that
        records it)."""
        return AutoPayOutcomeItem(
            *AutoPayOutcomeItem.keys(business_id, run_id, outcome.invoice_id),
            expires_at=outcome.at + RUN_RETENTION,
            **{name: stored(getattr(outcome, name)) for name in RunOutcome.model_fields},
        )

    def record_outcome(self, business_id: str, run_id: str, outcome: RunOutcome) -> None:
        """Record what the run did with an invoice. A skip never replaces an outcome already
        recorded for it in this run (a job delivered again after its charge has nothing to
        do); a charge or a failure does."""
        item = self.outcome_item(business_id, run_id, outcome)
        if outcome.outcome is not Outcome.SKIPPED:
            item.save()
            return
        try:
            item.save(condition=AutoPayOutcomeItem.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def runs(self, business_id: str, limit: int, cursor: str | None) -> Any:
        from portico.data.pagination import query_page

        pk = AutoPayRunItem.keys(business_id, "")[0]
        return query_page(
            AutoPayRunItem.query,
            {"PK": pk},
            AutoPayRunItem,
            _to_run,
            limit,
            cursor,
            hash_key=pk,
            range_key_condition=PorticoItem.sk.startswith("RUN#"),
            scan_index_forward=False,
        )

    def run(self, business_id: str, run_id: str) -> AutoPayRunDetail | None:
        """A run with every outcome (GetItem, then one Query per MB of outcomes)."""
        try:
            item = AutoPayRunItem.get(*AutoPayRunItem.keys(business_id, run_id))
        except DoesNotExist:
            return None
        pk, prefix = AutoPayOutcomeItem.keys(business_id, run_id, "")
        outcomes = [
            _to_outcome(found)
            for found in AutoPayOutcomeItem.query(pk, PorticoItem.sk.startswith(prefix))
            if isinstance(found, AutoPayOutcomeItem)
        ]
        run = _to_run(item)
        return AutoPayRunDetail(**run.model_dump(), outcomes=outcomes)

    def unfinished_runs(self, business_id: str) -> list[AutoPayRun]:
        """Runs whose counts are not final yet (newest first, the last 20 at most)."""
        pk = AutoPayRunItem.keys(business_id, "")[0]
        found = AutoPayRunItem.query(
            pk,
            PorticoItem.sk.startswith("RUN#"),
            filter_condition=AutoPayRunItem.finished_at.does_not_exist(),
            scan_index_forward=False,
            limit=20,
        )
        return [_to_run(item) for item in found if isinstance(item, AutoPayRunItem)]

    def finish_run(self, business_id: str, run: AutoPayRun, now: datetime) -> bool:
        """Write a run's final counts, once; False if another run finished it first."""
        item = AutoPayRunItem(*AutoPayRunItem.keys(business_id, run.run_id))
        counts = run.model_dump(exclude={"run_id", "started_at", "selected"})
        return _conditional(
            lambda: item.update(
                actions=[
                    *(getattr(AutoPayRunItem, name).set(value) for name, value in counts.items()),
                    AutoPayRunItem.finished_at.set(now),
                ],
                condition=AutoPayRunItem.pk.exists() & AutoPayRunItem.finished_at.does_not_exist(),
            )
        )


def _to_run(item: AutoPayRunItem) -> AutoPayRun:
    values = {
        name: plain(getattr(item, name)) for name in AutoPayRun.model_fields if name != "run_id"
    }
    return AutoPayRun(
        run_id=item.sk.removeprefix("RUN#"), **{k: v for k, v in values.items() if v is not None}
    )


def _to_outcome(item: AutoPayOutcomeItem) -> RunOutcome:
    values = {name: plain(getattr(item, name)) for name in RunOutcome.model_fields}
    return RunOutcome(**{k: v for k, v in values.items() if v is not None})
