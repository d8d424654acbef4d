"""The customer's service history (visits and photos), documents and work requests."""
