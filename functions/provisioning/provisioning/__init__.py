"""Provisions businesses at deploy time: the Custom::PorticoBusiness resource provider."""
