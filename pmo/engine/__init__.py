"""The calculation engine: pure Python over plain values and frozen dataclasses.

It imports neither Django nor any ``pmo`` app (import-linter enforces this), so it can be tested
and reused without a database.
"""
