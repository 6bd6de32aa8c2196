"""netrules benchmarks: ``python -m benchmarks`` (docs/performance.md)."""
