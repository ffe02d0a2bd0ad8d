"""Benchmarks that print figures (and write bench/results/*.json); never part of the test suite."""
