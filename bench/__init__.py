"""Benchmarks: workloads, drivers and recorded results; figures, not pass/fail tests."""
