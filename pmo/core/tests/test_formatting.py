"""The app's one way of writing figures (``pmo.core.formatting``): what people read on pages,
in notifications, e-mails and PDFs."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from pmo.core import formatting
from pmo.core.exports import csv_text_value, write_xlsx
from pmo.core.formatting import (
    days,
    in_unit,
    money,
    money_compact,
    number,
    percent,
    signed_days,
    signed_money,
)

MINUS = "\u2212"
RAW_DECIMAL = re.compile(r"\d\.\d{3,}")
amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False)


def parse_money(text: str) -> Decimal:
    """The amount a person reads in ``£1,250.50`` or with a minus sign, ``£1,000`` owed."""
    match = re.fullmatch(rf"([+{MINUS}]?)£(\d{{1,3}}(?:,\d{{3}})*)(\.\d\d)?", text)
    assert match, text
    sign, whole, pence = match.groups()
    value = Decimal(whole.replace(",", "") + (pence or ""))
    return -value if sign == MINUS else value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (1250, "£1,250"),
        (Decimal("1250.00"), "£1,250"),
        (Decimal("62000.0000"), "£62,000"),
        (Decimal("1250.5"), "£1,250.50"),
        (Decimal("-1000"), f"{MINUS}£1,000"),
        (Decimal("0.004"), "£0"),
        (Decimal("-0.004"), "£0"),
        (Decimal("0.005"), "£0.01"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_money_is_pounds_with_pence_only_when_there_are_some(value, written) -> None:
    assert money(value) == written


def test_a_change_in_money_or_days_carries_its_sign() -> None:
    assert signed_money(12000) == "+£12,000"
    assert signed_money(Decimal("-1000.00")) == f"{MINUS}£1,000"
    assert signed_money(0) == "£0"
    assert signed_days(14) == "+14 days"
    assert signed_days(-3) == f"{MINUS}3 days"
    assert signed_days(0) == "0 days"
    assert signed_days(None) == "—"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (950, "£950"),
        (9999, "£9,999"),
        (12345, "£12k"),
        (350000, "£350k"),
        (999499, "£999k"),
        (999999, "£1m"),
        (1_234_567, "£1.2m"),
        (2_000_000, "£2m"),
        (-1_250_000, f"{MINUS}£1.3m"),
        (Decimal("1200000000"), "£1.2bn"),
    ],
)
def test_compact_money_for_dense_tables(value, written) -> None:
    assert money_compact(value) == written


def test_days_percentages_and_numbers() -> None:
    assert days(1) == "1 day"
    assert days(14) == "14 days"
    assert days(Decimal("2.50")) == "2.5 days"
    assert percent(Decimal("12.345"), 1) == "12.3%"
    assert percent(-4) == f"{MINUS}4%"
    assert number(Decimal("10500.0000")) == "10,500"
    assert in_unit(Decimal("52500.00"), "£") == "£52,500"
    assert in_unit(Decimal("28.00"), "days") == "28 days"
    assert in_unit(Decimal("3"), "open high risks") == "3 open high risks"


def test_dates_in_one_style_moments_in_london_time() -> None:
    assert formatting.date(dt.date(2026, 12, 4)) == "4 Dec 2026"
    assert formatting.date(dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)) == "1 Jul 2026 10:30"
    assert formatting.date(None) == "—"


def test_every_template_has_the_filters_without_loading_them() -> None:
    page = Template(
        "{{ cost|money }} · {{ cost|money_compact }} · {{ variance|signed_money }} · "
        "{{ slip|signed_days }} · {{ when|day }}"
    ).render(
        Context(
            {"cost": Decimal("1234567.0000"), "variance": -1000, "slip": 14, "when": dt.date(2026, 12, 4)}
        ),
    )
    assert page == f"£1,234,567 · £1.2m · {MINUS}£1,000 · +14 days · 4 Dec 2026"


@given(amounts)
def test_money_reads_back_as_the_amount_to_the_penny(value: Decimal) -> None:
    written = money(value)
    assert not RAW_DECIMAL.search(written)
    assert "£-" not in written and "-" not in written
    assert parse_money(written) == value.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@given(amounts)
def test_signed_and_compact_money_never_show_raw_decimals_or_a_hyphen(value: Decimal) -> None:
    for written in (signed_money(value), money_compact(value), money_compact(value, signed=True)):
        shape = rf"[+{MINUS}]?£[\d,]+(\.\d)?(k|m|bn)?|[+{MINUS}]?£[\d,]+(\.\d\d)?"
        assert re.fullmatch(shape, written), written
        assert (MINUS in written) == (value < 0 and written.strip(f"{MINUS}+£0.,kmbn") != ""), written


@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_days_read_back_as_the_count(count: int) -> None:
    written = signed_days(count)
    match = re.fullmatch(rf"([+{MINUS}]?)(\d[\d,]*) (days?)", written)
    assert match, written
    sign, figure, unit = match.groups()
    assert int(figure.replace(",", "")) * (-1 if sign == MINUS else 1) == count
    assert (unit == "day") == (abs(count) == 1)


def test_workbooks_keep_amounts_as_numbers_shown_in_pounds_and_csv_keeps_them_plain() -> None:
    stream = io.BytesIO()
    headers = ["Project", "Approved budget (£)", "Score"]
    write_xlsx(
        stream, headers=headers, rows=[["Web", Decimal("1250.50"), Decimal("3.5")]], sheet_title="Projects"
    )
    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    budget, score = sheet["B2"], sheet["C2"]
    assert (budget.value, budget.number_format) == (1250.5, '"£"#,##0.00')
    assert (score.value, score.number_format) == (3.5, "#,##0.00")
    assert csv_text_value(Decimal("1250.50")) == "1250.50"
