"""Email: the sender port and its SES v2 adapter, rendering, and the account emails."""
