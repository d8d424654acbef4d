"""Portico's shared package: domain models, the single-table data layer, services and ports.

Shipped to every function in the common Lambda layer.
"""
