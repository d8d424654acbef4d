"""Portico's benchmarks against the targets of DESIGN section 5; run with `python -m bench`."""
