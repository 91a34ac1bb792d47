from pmo.governance.tests.conftest import _cast_written, cast

__all__ = ["_cast_written", "cast"]
