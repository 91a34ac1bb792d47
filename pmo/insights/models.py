"""The organisation's PowerPoint template for board packs: the one the PMO head uploaded last
(``pmo.insights.services.pack_template_upload`` replaces it), its file kept in the database so a
backup holds it. History records who changed it and when, not the file itself."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from pmo.core.models import DomainModel

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024  # uploads stop at PMO_MAX_UPLOAD_BYTES (10 MB by default)


class PackTemplate(DomainModel):
    """The deck board packs are made on: its slides' ``{{ name }}`` placeholders are filled from
    the meeting and its layouts used for the pack's own slides (``pmo.insights.pack_files``)."""

    filename = models.CharField(max_length=200)
    content = models.BinaryField(
        max_length=MAX_TEMPLATE_BYTES, help_text="The deck (.pptx): a file, not text to edit."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.filename
