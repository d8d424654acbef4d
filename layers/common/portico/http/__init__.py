"""The HTTP edge shared by every function: resolver factory, error mapping, principal."""
