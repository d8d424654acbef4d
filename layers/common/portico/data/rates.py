"""The shared per-second call counter behind `portico.payments.rate_limit.RateLimiter`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import UpdateError

from portico.data.items import RateWindowItem


class DynamoWindowCounter:
    """One item per second (`RATE#{name}` / `S#{second}`, kept a minute): `ADD` conditional on
    staying under the limit, so every worker instance counts against the same second."""

    def __init__(self, name: str) -> None:
        self._name = name

    def take(self, second: int, limit: int) -> bool:
        item = RateWindowItem(*RateWindowItem.keys(self._name, second))
        expires = datetime.fromtimestamp(second, UTC) + timedelta(minutes=1)
        try:
            item.update(
                actions=[
                    RateWindowItem.entity.set(RateWindowItem),
                    RateWindowItem.calls.add(1),
                    RateWindowItem.expires_at.set(expires),
                ],
                condition=RateWindowItem.calls.does_not_exist() | (RateWindowItem.calls < limit),
            )
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True
