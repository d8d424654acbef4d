"""moto's TransactWriteItems without copying whole tables: the module lives with the local
runtime (`portico_local.fast_moto`), which uses it too; tests and the bench import it here."""

from portico_local.fast_moto import (
    install_fast_transactions,
    transact_write_items,
    transactions,
    uninstall_fast_transactions,
)

__all__ = [
    "install_fast_transactions",
    "transact_write_items",
    "transactions",
    "uninstall_fast_transactions",
]
