"""Benchmark bodies that run under MicroPython as well as CPython (no numpy, no displayio).

Each module has a ``main(...)`` that prints ``name value`` lines; bench.interpreters runs it
in a fresh interpreter and parses them.
"""
