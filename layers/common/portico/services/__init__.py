"""Services: one function per use case. They take `Services` and domain models, raise
domain errors, and never see HTTP or item keys."""
