"""How the app writes figures for people: money, days, dates and percentages, in one style on
pages, in notifications, e-mails, PDFs and explanations. Each function takes ``None`` (or "")
as "no figure" and gives a dash. Template filters of the same names are in every template
(``pmo.core.templatetags.formatting``, a template builtin)."""

import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateformat import format as format_date

MINUS = "\N{MINUS SIGN}"  # a real minus sign (U+2212) before the £, never £-1,000
DASH = "—"
DATE_FORMAT = "j M Y"  # 4 Dec 2026
DATETIME_FORMAT = "j M Y H:i"  # 4 Dec 2026 10:00 (London time)

Number = Decimal | int | float | str
PENNY = Decimal("0.01")
THOUSANDS = Decimal("9999.5")  # from £10k; below it, whole pounds (£9,999)
# Compact amounts: at and above each threshold, the amount in the unit (rounded so that
# £999,999 reads £1m, not £1,000k).
COMPACT = ((Decimal("999950000"), Decimal(10) ** 9, "bn"), (Decimal("999500"), Decimal(10) ** 6, "m"))


def _decimal(value: Number | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


def _sign(negative: bool, signed: bool) -> str:
    if negative:
        return MINUS
    return "+" if signed else ""


def _grouped(value: Decimal, places: int = 0) -> str:
    """1,234 or 1,234.5 (``places`` at most, no trailing zeros)."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: Number | None, *, signed: bool = False) -> str:
    """£1,250, £1,250.50 (pence only when there are some), (minus)£1,000; ``signed``: +£12,000."""
    amount = _decimal(value)
    if amount is None:
        return DASH
    pence = abs(amount).quantize(PENNY, rounding=ROUND_HALF_UP)
    text = f"{pence:,.0f}" if pence == pence.to_integral_value() else f"{pence:,.2f}"
    return f"{_sign(pence > 0 and amount < 0, signed and pence > 0)}£{text}"


def signed_money(value: Number | None) -> str:
    """+£12,000, (minus)£1,000, £0: a change in money."""
    return money(value, signed=True)


def money_compact(value: Number | None, *, signed: bool = False) -> str:
    """£1.2m, £350k, £950 (whole pounds), £2bn: an amount for dense tables and cards."""
    amount = _decimal(value)
    if amount is None:
        return DASH
    size = abs(amount)
    for threshold, unit, suffix in COMPACT:
        if size >= threshold:
            text = f"{_grouped(size / unit, 1)}{suffix}"
            break
    else:
        text = f"{_grouped(size / 1000)}k" if size >= THOUSANDS else _grouped(size)
    negative = amount < 0 and text != "0"
    return f"{_sign(negative, signed and text != '0')}£{text}"


def days(value: Number | None, *, signed: bool = False) -> str:
    """14 days, 1 day, 2.5 days, (minus)3 days; ``signed``: +14 days."""
    count = _decimal(value)
    if count is None:
        return DASH
    text = _grouped(abs(count), 1)
    negative = count < 0 and text != "0"
    unit = "day" if text == "1" else "days"
    return f"{_sign(negative, signed and text != '0')}{text} {unit}"


def signed_days(value: Number | None) -> str:
    """+14 days, (minus)3 days, 0 days: a slip or a change in time."""
    return days(value, signed=True)


def percent(value: Number | None, places: int = 0, *, signed: bool = False) -> str:
    """12%, 12.5% (``places`` at most), (minus)4%; ``signed``: +12%."""
    share = _decimal(value)
    if share is None:
        return DASH
    text = _grouped(abs(share), places)
    negative = share < 0 and text != "0"
    return f"{_sign(negative, signed and text != '0')}{text}%"


def number(value: Number | None, places: int = 2) -> str:
    """1,234 or 34.75: grouped, ``places`` decimals at most, no trailing zeros."""
    figure = _decimal(value)
    if figure is None:
        return DASH
    text = _grouped(abs(figure), places)
    return f"{MINUS if figure < 0 and text != '0' else ''}{text}"


def in_unit(value: Number | None, unit: str) -> str:
    """A figure in its unit: "£" gives money, "days" days, "%" a percentage, any other unit
    follows the number (3 open high risks)."""
    if unit == "£":
        return money(value)
    if unit == "days":
        return days(value)
    if unit == "%":
        return percent(value, 2)
    figure = number(value)
    return figure if figure == DASH else f"{figure} {unit}"


def date(value: datetime.date | datetime.datetime | None) -> str:
    """4 Dec 2026; a moment: 4 Dec 2026 10:00, London time."""
    if value is None or value == "":
        return DASH
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return format_date(value, DATETIME_FORMAT)
    return _day(value)


@functools.lru_cache(maxsize=4096)
def _day(value: datetime.date) -> str:
    """A day in the one style, worked out once per day (a work queue shows thousands of them)."""
    return format_date(value, DATE_FORMAT)
