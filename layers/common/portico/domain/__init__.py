"""Pydantic domain models: what services and handlers see. No keys, no PynamoDB."""
