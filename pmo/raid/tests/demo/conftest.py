"""The day the demo is built as of, for the RAID demo tests (the demo itself is the ``demo``
fixture, built once per test run: pmo/core/tests/demo_database.py)."""

from pmo.core.tests.demo_database import DEMO_TODAY

TODAY = DEMO_TODAY
"""The reporting demo tests' day: a Monday late in the month."""
