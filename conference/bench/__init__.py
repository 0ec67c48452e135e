"""Benchmarks and the load/fault runs: `python -m conference.bench` (see docs/benchmarks.md)."""
