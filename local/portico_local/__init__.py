"""The local runtime: runs Portico's real handlers in-process with moto and the fake Stripe.

Never deployed. `template.yaml` is the one source of truth for routes, the authorizer and
the table; this package reads it rather than keeping a second list.
"""
