"""Benchmarks that print their figures: `python -m bench --help`.

Each benchmark is a `bench.registry.Benchmark` listed in `bench.__main__.BENCHMARKS`; it gets a
`Run` (the options and the cached data sets) and returns `Measurement`s, which the runner prints
as one table and writes as JSON (default `bench/results/latest.json`).
"""
