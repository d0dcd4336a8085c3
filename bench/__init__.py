"""Benchmarks (run: ``.venv/bin/python -m bench``). Figures are printed, never asserted in tests."""
