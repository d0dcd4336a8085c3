"""Benchmarks (run: ``.venv/bin/python -m bench``). Figures are printed, never asserted in tests."""
import statistics
import time


def median_ms(func, rounds: int = 7) -> float:
    """The median of ``rounds`` calls of ``func``, in milliseconds."""
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        timings.append(time.perf_counter() - start)
    return round(statistics.median(timings) * 1000, 1)
