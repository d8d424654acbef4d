"""The single-table data layer. PynamoDB stays inside this package; callers get domain models."""
