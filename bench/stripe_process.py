"""The fake Stripe in a process of its own, for the AutoPay bench.

In the bench's own process the fake would serve each charge on a thread that takes the GIL
from the workers it is answering, and its work would be counted as theirs. Stripe runs
elsewhere: here it runs on the machine's other core, and is reached over loopback as before.
The bench asks it for its figures (`stats`, an account's `charges`) over a pipe.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection
from typing import Any

from portico_local.fake_stripe import FakeStripe


def _serve(conn: Connection) -> None:
    with FakeStripe() as fake:
        conn.send((fake.api_base, fake.secret_key, fake.publishable_key, fake.webhook_secret))
        while True:
            command, argument = conn.recv()
            if command == "stop":
                break
            try:
                if command == "stats":
                    conn.send(("ok", fake.stats()))
                elif command == "charges":
                    conn.send(("ok", fake.charges(argument)))
            except Exception as error:
                conn.send(("error", repr(error)))
    conn.close()


class StripeProcess:
    """A started fake Stripe in a child process: what `put_stripe_secret` and the browser's
    confirm need (`api_base` and the keys), and its figures. No latency is added."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child,), name="fake-stripe", daemon=True
        )
        self._process.start()
        child.close()
        self.api_base, self.secret_key, self.publishable_key, self.webhook_secret = (
            self._conn.recv()
        )

    def _ask(self, command: str, argument: Any = None) -> Any:
        self._conn.send((command, argument))
        status, answer = self._conn.recv()
        if status != "ok":
            raise RuntimeError(f"the fake Stripe's {command}({argument!r}) failed: {answer}")
        return answer

    def stats(self) -> dict[str, Any]:
        """Per account: PaymentIntents created, charges attempted and succeeded."""
        return dict(self._ask("stats"))

    def charges(self, account: str) -> list[dict[str, Any]]:
        """Every charge attempt of an account, oldest first."""
        return list(self._ask("charges", account))

    def stop(self) -> None:
        if self._process.is_alive():
            self._conn.send(("stop", None))
            self._process.join(timeout=10)
        self._conn.close()

    def __enter__(self) -> StripeProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
