"""Shared base models: the user, personal API tokens and the audited, versioned domain base."""

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

from pmo.core import clock
from pmo.core.clock import ClockDateTimeField
from pmo.core.restrict import RestrictedQuerySet
from pmo.core.text_limits import DESCRIPTION, BoundedTextField


class User(AbstractUser):
    """A person who logs in. Their roles are their groups (see ``pmo.core.choices.Role``).

    History keeps every change to the account and its roles (``groups``), but neither the
    password hash nor the time of the last sign-in."""

    history = HistoricalRecords(m2m_fields=["groups"], excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Signing in stamps ``last_login`` alone; that is not a change to the account.
        update_fields = kwargs.get("update_fields")
        if (
            update_fields is not None
            and set(update_fields) <= {"last_login"}
            and not hasattr(self, "skip_history_when_saving")
        ):
            self.skip_history_when_saving = True
            try:
                super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
            return
        super().save(*args, **kwargs)


class DomainModel(models.Model):
    """Base of every domain record: kept in history and guarded against lost updates.

    ``version`` goes up by one on every saved change; a write that names an older version is a
    conflict (see ``pmo.core.services.record_update``). Each concrete model declares
    ``history = HistoricalRecords()`` (django-simple-history) so its history is explicit.
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = ClockDateTimeField(auto_now_add=True)
    updated_at = ClockDateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()  # .restrict(user, action): see pmo.core.restrict

    class Meta:
        abstract = True


API_TOKEN_PREFIX = "pmo_"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        """The tokens that still work: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=clock.now())
        )


class ApiToken(models.Model):
    """A personal API token. Only a digest is stored; the secret is shown once, at creation.

    It works until it is revoked (by its owner, or by a password reset: ``revoked_reason`` says
    which) or, when it has one, until ``expires_at``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = ClockDateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(
        max_length=100, blank=True, help_text="Why it was revoked, when not by its owner."
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When it stops working (empty: never)."
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return API_TOKEN_PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= clock.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    def mark_used(self) -> None:
        now = clock.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class Notification(models.Model):
    """A message to one user, shown in the app (and sent by e-mail when it was created).

    ``key`` makes a reminder idempotent: the same key is never delivered twice to one user, so a
    periodic task that runs again does not repeat itself."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=150)
    subject = models.CharField(max_length=200)
    body = BoundedTextField(blank=True, limit=DESCRIPTION)
    url = models.CharField(max_length=300, blank=True)
    created_at = ClockDateTimeField(auto_now_add=True)
    emailed = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()  # each user sees their own (pmo.core.rules)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class WorkerLease(models.Model):
    """The background worker that holds the task queue of one task backend: one worker per
    database at a time (docs/adr/0022-one-worker-per-database.md).

    `pmo worker` takes the row when it starts, renews ``heartbeat_at`` while it runs and deletes
    the row when it stops. A worker that died without stopping leaves its row behind: it is taken
    to be gone once its heartbeat is older than ``PMO_WORKER_LEASE_SECONDS``, or at once when it
    ran on the same host and its process no longer exists. Plumbing, not a PMO record: no history.
    """

    backend_name = models.CharField(max_length=100, primary_key=True)
    holder = models.CharField(max_length=64, help_text="The worker's own random id.")
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField("process id")
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"worker {self.pid} on {self.host} ({self.backend_name})"
