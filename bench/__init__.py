"""Benchmarks: importable as ``bench`` so gunicorn can load ``bench.bare_app:app``."""
