"""The customer's saved payment methods and the Stripe ids they hang on.

A method is one item in the customer's collection (`PMETHOD#{pm_id}`). The profile keeps
`payment_method_count` (from which "has a payment method" follows) in the same transaction
as every save and delete; each write is conditional on the count it was computed from, so two
concurrent changes cannot leave the count or the default wrong (the loser gets a 409).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition

from portico.data.activity import activity_item
from portico.data.convert import plain
from portico.data.items import (
    BusinessItem,
    CustomerItem,
    PaymentMethodItem,
    PortalSettingsItem,
    StripeRefItem,
    customer_pk,
)
from portico.data.repositories import ConcurrentChangeError, to_portal
from portico.data.table import PorticoItem
from portico.data.transactions import ConditionsFailed, Transaction
from portico.domain.autopay import ActivityEntry
from portico.domain.preferences import Preferences
from portico.domain.wallet import PaymentMethod, WalletOwner

if TYPE_CHECKING:
    from portico.domain.common import Language

_PREFIX = "PMETHOD#"


def to_method(item: PaymentMethodItem) -> PaymentMethod:
    return PaymentMethod(
        payment_method_id=item.sk.removeprefix(_PREFIX),
        type=item.method_type,
        brand=item.brand,
        last4=item.last4,
        exp_month=None if item.exp_month is None else int(item.exp_month),
        exp_year=None if item.exp_year is None else int(item.exp_year),
        bank_name=item.bank_name,
        is_default=bool(item.is_default),
        created_at=item.created_at,
    )


def _count_is(count: int) -> Condition:
    return CustomerItem.pk.exists() & (CustomerItem.payment_method_count == count)


def _default_first(methods: list[PaymentMethod]) -> list[PaymentMethod]:
    return sorted(methods, key=lambda m: (not m.is_default, m.created_at, m.payment_method_id))


def _set_once(item: Any, attribute: Any, value: str) -> str:
    """Write `attribute` unless it holds a value already (two first requests racing keep
    one id); returns the value stored."""
    try:
        item.update(
            actions=[attribute.set(value)],
            condition=type(item).pk.exists() & attribute.does_not_exist(),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        item.refresh(consistent_read=True)
    return str(getattr(item, attribute.attr_name))


def _concurrent() -> ConcurrentChangeError:
    return ConcurrentChangeError("Your payment methods changed meanwhile; try again.")


class WalletRepository:
    def methods(self, business_id: str, customer_id: str) -> list[PaymentMethod]:
        """The customer's saved methods, the default first (one Query)."""
        pk = customer_pk(business_id, customer_id)
        found = PaymentMethodItem.query(pk, PorticoItem.sk.startswith(_PREFIX))
        return _default_first([to_method(i) for i in found if isinstance(i, PaymentMethodItem)])

    def owner(self, business_id: str, customer_id: str) -> WalletOwner | None:
        """The customer, their business and portal, and their saved methods (one Query of the
        customer's collection and one BatchGetItem); None if any is missing."""
        pk = customer_pk(business_id, customer_id)
        customer: CustomerItem | None = None
        methods: list[PaymentMethod] = []
        # "PMETHOD#..." sorts just before "PROFILE" and nothing else of the customer's sorts
        # between them, so one range reads the profile with every saved method.
        found = PorticoItem.query(
            pk, PorticoItem.sk.between(_PREFIX, "PROFILE"), consistent_read=True
        )
        for item in found:
            if isinstance(item, CustomerItem):
                customer = item
            elif isinstance(item, PaymentMethodItem):
                methods.append(to_method(item))
        keys = [BusinessItem.keys(business_id), PortalSettingsItem.keys(business_id)]
        read: dict[type, Any] = {type(i): i for i in PorticoItem.batch_get(keys)}
        business, portal = read.get(BusinessItem), read.get(PortalSettingsItem)
        if customer is None or business is None or portal is None:
            return None
        return WalletOwner(
            business_id=business_id,
            business_name=business.name,
            currency=business.currency,
            timezone=business.timezone,
            portal=to_portal(portal),
            stripe_account=business.stripe_account,
            customer_id=customer_id,
            customer_name=customer.name,
            email=customer.email,
            stripe_customer=customer.stripe_customer_id,
            methods=_default_first(methods),
            credit_balance=int(customer.credit_balance or 0),
            open_invoice_ids=tuple(plain(customer.open_invoices or {})),
            autopay_enabled=bool(customer.autopay_enabled),
            autopay_method_id=customer.autopay_method_id,
            emails_off=Preferences.model_validate(
                plain(customer.notification_preferences or {})
            ).emails_off(),
            # Written only through the validated `PATCH /v1/me/profile`.
            language=cast("Language | None", customer.language),
        )

    def set_stripe_account(self, business_id: str, account: str) -> str:
        """Store the business's connected account unless one is stored; returns the stored one."""
        item = BusinessItem(*BusinessItem.keys(business_id))
        return _set_once(item, BusinessItem.stripe_account, account)

    def set_stripe_customer(self, business_id: str, customer_id: str, stripe_customer: str) -> str:
        """Store the customer's Stripe customer unless one is stored; returns the stored one."""
        item = CustomerItem(*CustomerItem.keys(business_id, customer_id))
        return _set_once(item, CustomerItem.stripe_customer_id, stripe_customer)

    def get(self, business_id: str, customer_id: str, method_id: str) -> PaymentMethod | None:
        try:
            item = PaymentMethodItem.get(
                *PaymentMethodItem.keys(business_id, customer_id, method_id), consistent_read=True
            )
        except PaymentMethodItem.DoesNotExist:
            return None
        return to_method(item)

    def add(
        self,
        business_id: str,
        customer_id: str,
        account: str | None,
        method: PaymentMethod,
        setup_intent_id: str,
        count_before: int,
        entry: ActivityEntry | None = None,
    ) -> None:
        """Save a method, count it on the profile and log `entry` (one transaction). Raises
        `ConditionsFailed` with `method` when it is already saved."""
        item = PaymentMethodItem(
            *PaymentMethodItem.keys(business_id, customer_id, method.payment_method_id),
            method_type=method.type,
            brand=method.brand,
            last4=method.last4,
            exp_month=method.exp_month,
            exp_year=method.exp_year,
            bank_name=method.bank_name,
            is_default=method.is_default,
            setup_intent_id=setup_intent_id,
            created_at=method.created_at,
        )
        profile = CustomerItem(*CustomerItem.keys(business_id, customer_id))
        try:
            with Transaction() as tx:
                tx.put("method", item, condition=PaymentMethodItem.pk.does_not_exist())
                # Webhooks about the method (detached, card updated) name no customer.
                tx.put(
                    "ref",
                    StripeRefItem(
                        *StripeRefItem.keys(account, method.payment_method_id),
                        business_id=business_id,
                        customer_id=customer_id,
                    ),
                )
                tx.update(
                    "profile",
                    profile,
                    actions=[CustomerItem.payment_method_count.set(count_before + 1)],
                    condition=_count_is(count_before),
                )
                if entry is not None:
                    tx.put("activity", activity_item(business_id, customer_id, entry))
        except ConditionsFailed as error:
            if "method" in error.labels:
                raise
            raise _concurrent() from error

    def remove(
        self,
        business_id: str,
        customer_id: str,
        method_id: str,
        remaining: list[PaymentMethod],
        new_default: str | None,
        entry: ActivityEntry | None = None,
    ) -> None:
        """Delete a method, promote `new_default` if given, count the rest on the profile and
        log `entry` (one transaction)."""
        profile = CustomerItem(*CustomerItem.keys(business_id, customer_id))
        try:
            with Transaction() as tx:
                tx.delete(
                    "method",
                    PaymentMethodItem(*PaymentMethodItem.keys(business_id, customer_id, method_id)),
                    condition=PaymentMethodItem.pk.exists(),
                )
                if new_default is not None:
                    self._flag(tx, business_id, customer_id, new_default, True)
                tx.update(
                    "profile",
                    profile,
                    actions=[CustomerItem.payment_method_count.set(len(remaining))],
                    condition=_count_is(len(remaining) + 1),
                )
                if entry is not None:
                    tx.put("activity", activity_item(business_id, customer_id, entry))
        except ConditionsFailed as error:
            raise _concurrent() from error

    def make_default(
        self, business_id: str, customer_id: str, method_id: str, previous: list[str], count: int
    ) -> None:
        """Flag `method_id` as the default and clear `previous` defaults (one transaction)."""
        try:
            with Transaction() as tx:
                self._flag(tx, business_id, customer_id, method_id, True)
                for other in previous:
                    self._flag(tx, business_id, customer_id, other, False)
                tx.check(
                    "profile",
                    CustomerItem,
                    *CustomerItem.keys(business_id, customer_id),
                    condition=_count_is(count),
                )
        except ConditionsFailed as error:
            raise _concurrent() from error

    def set_expiry(
        self, business_id: str, customer_id: str, method_id: str, month: int, year: int
    ) -> None:
        """A saved card's new expiry (the card network updated it)."""
        item = PaymentMethodItem(*PaymentMethodItem.keys(business_id, customer_id, method_id))
        try:
            item.update(
                actions=[
                    PaymentMethodItem.exp_month.set(month),
                    PaymentMethodItem.exp_year.set(year),
                ],
                condition=PaymentMethodItem.pk.exists(),
            )
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise  # removed meanwhile is fine; anything else is not

    @staticmethod
    def _flag(tx: Transaction, business_id: str, customer_id: str, method_id: str, on: bool) -> Any:
        item = PaymentMethodItem(*PaymentMethodItem.keys(business_id, customer_id, method_id))
        tx.update(
            f"flag:{method_id}",
            item,
            actions=[PaymentMethodItem.is_default.set(on)],
            condition=PaymentMethodItem.pk.exists(),
        )
