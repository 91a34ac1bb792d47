"""Writes of the dashboards' app: the board packs' PowerPoint template (the PMO head's)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from pmo.core.models import User
from pmo.core.services import record_create, record_delete
from pmo.insights.models import PackTemplate
from pmo.insights.pack_files import template_problems

NOT_A_DECK_NAME = "Upload a PowerPoint deck: a file whose name ends in .pptx."


@transaction.atomic
def pack_template_upload(*, actor: User | None, filename: str, content: bytes) -> PackTemplate:
    """Make ``content`` the packs' template, in place of the one before (its history keeps who
    changed it). Refused, saying why, when it is no .pptx or names a placeholder a pack does
    not fill."""
    if not filename.lower().endswith(".pptx"):
        raise ValidationError({"file": NOT_A_DECK_NAME})
    problems = template_problems(content)
    if problems:
        raise ValidationError({"file": problems})
    for older in PackTemplate.objects.select_for_update():
        record_delete(instance=older, actor=actor, expected_version=None, reason=f"Replaced by {filename}")
    return record_create(
        model=PackTemplate,
        actor=actor,
        fields={"filename": filename[-200:], "content": content, "uploaded_by": actor},
    )


@transaction.atomic
def pack_template_remove(*, actor: User | None, template: PackTemplate, expected_version: int | None) -> None:
    """Go back to the plain deck (the PMO head)."""
    record_delete(instance=template, actor=actor, expected_version=expected_version)
