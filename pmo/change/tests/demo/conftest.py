"""The RAID demo tests' shared build (the whole demo, built once per module)."""

from pmo.raid.tests.demo.conftest import TODAY, demo

__all__ = ["TODAY", "demo"]
