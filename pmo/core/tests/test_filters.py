"""Ids read from query strings: only whole numbers in ASCII digits that a row can hold."""

import pytest

from pmo.core.filters import record_id


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("9223372036854775807", 9223372036854775807),
        ("9223372036854775808", None),
        ("99999999999999999999", None),
        ("²", None),
        ("١٢", None),
        ("-1", None),
        ("1.5", None),
        ("", None),
    ],
)
def test_record_id_reads_only_ids_a_row_can_hold(raw, read):
    assert record_id(raw) == read
