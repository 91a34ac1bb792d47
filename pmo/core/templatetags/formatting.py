"""The app's figures in templates, one style everywhere (see ``pmo.core.formatting``): a
template builtin, so every template has ``money``, ``money_compact``, ``signed_money``, ``days``,
``signed_days``, ``percent``, ``number``, ``in_unit`` and ``day`` without loading anything."""

from django import template

from pmo.core import formatting

register = template.Library()

register.filter("money", formatting.money)
register.filter("money_compact", formatting.money_compact)
register.filter("signed_money", formatting.signed_money)
register.filter("days", formatting.days)
register.filter("signed_days", formatting.signed_days)
register.filter("percent", formatting.percent)
register.filter("number", formatting.number)
register.filter("in_unit", formatting.in_unit)
register.filter("day", formatting.date)
