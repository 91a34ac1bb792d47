"""The API tests' mid-cycle portfolio, reused."""

from pmo.reporting.tests.api.conftest import cycle, draft  # noqa: F401
