"""Template helpers of the RAID pages: a risk's score with its band in words, and an item's
flags (stale, past due, escalated) in words as well as colour."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def score(value: int, band: str) -> SafeString:
    """A score and its band: ``16 high``, coloured by band."""
    return format_html(
        '<span class="badge band band-{}">{} <span class="band-word">{}</span></span>', band, value, band
    )


@register.simple_tag
def flags(row: object) -> SafeString:
    """A register row's flags, each a word: stale, past due, escalated to …"""
    parts = []
    if getattr(row, "past_due", False):
        parts.append(format_html('<span class="badge flag-past-due">{}</span>', "Past due"))
    if getattr(row, "stale", False):
        parts.append(format_html('<span class="badge flag-stale">{}</span>', "Stale"))
    item = getattr(row, "item", row)
    if getattr(item, "escalated_to", ""):
        parts.append(
            format_html(
                '<span class="badge flag-escalated">Escalated to {}</span>',
                item.get_escalated_to_display().lower(),
            )
        )
    return format_html(" ".join(["{}"] * len(parts)), *parts) if parts else SafeString("")
