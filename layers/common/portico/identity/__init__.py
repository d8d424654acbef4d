"""Identity primitives: password hashing and policy, one-time tokens, signed access tokens."""
