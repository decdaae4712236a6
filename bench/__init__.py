"""Benchmarks and the detector evaluation (``make bench``, ``make eval``)."""
