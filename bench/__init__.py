"""Benchmark scenarios: `python -m bench.run` writes bench/results/<scenario>.json."""
