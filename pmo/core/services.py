"""Writes shared by every domain app: audited create/update/delete with a version check,
and personal API tokens."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from pmo.core.models import ApiToken, DomainModel, User
from pmo.core.permissions import ensure_can

M = TypeVar("M", bound=DomainModel)

STALE_VERSION = (
    "{record} was changed by {who} at {when} while you were editing (you had version "
    "{yours}, it is now version {theirs}). Your changes were not saved: reload it to see "
    "their change, then make yours again."
)
DELETE_PROTECTED = "{record} cannot be deleted because other records use it: {used_by}."


class ConflictError(Exception):
    """A write named a version of a record that is no longer current."""

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.message = message
        self.current_version = current_version


def _perm(model: type[models.Model] | models.Model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def _save_with_history(instance: DomainModel, *, actor: User | None, reason: str) -> None:
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = reason or None  # type: ignore[attr-defined]
    instance.save()


def _set_many(instance: DomainModel, m2m: Mapping[str, Iterable[Any]] | None) -> bool:
    """Set many-to-many fields; the history entry comes from the save that follows, so the
    set itself writes none (django-simple-history would otherwise add one per field)."""
    changed = False
    instance.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        for name, values in (m2m or {}).items():
            wanted = {v.pk if isinstance(v, models.Model) else v for v in values}
            manager = getattr(instance, name)
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(wanted)
                changed = True
    finally:
        del instance.skip_history_when_saving  # type: ignore[attr-defined]
    return changed


@transaction.atomic
def record_create(
    *,
    model: type[M],
    actor: User | None,
    fields: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
    reason: str = "",
) -> M:
    """Validate and create a record, its history entry written in the same transaction.

    ``actor`` None means the system itself (demo loader, migrations): no permission check."""
    if actor is not None:
        ensure_can(actor, _perm(model, "add"), action=f"add {model._meta.verbose_name_plural}")
    instance = model(**fields)
    instance.full_clean()
    if m2m:
        instance.skip_history_when_saving = True  # type: ignore[attr-defined]
        instance.save()
        del instance.skip_history_when_saving  # type: ignore[attr-defined]
        _set_many(instance, m2m)
    _save_with_history(instance, actor=actor, reason=reason)
    if m2m:
        # The entry was written by the second save, after the many-to-many fields were set;
        # it records the creation.
        instance.history.filter(  # type: ignore[attr-defined]
            history_id=instance.history.latest().history_id  # type: ignore[attr-defined]
        ).update(history_type="+")
    return instance


def _lock_current(
    instance: DomainModel, *, actor: User | None, action: str, expected_version: int | None
) -> DomainModel:
    """Lock the stored row, check the actor may ``action`` it (judged on the record as stored,
    not on edits made in memory), then compare versions; return the locked row."""
    model = type(instance)
    current = model._default_manager.select_for_update().get(pk=instance.pk)
    if actor is not None:
        ensure_can(actor, _perm(current, action), current, action=f"{action} {current}")
    if expected_version is not None and current.version != expected_version:
        latest = current.history.select_related("history_user").first()  # type: ignore[attr-defined]
        who = latest.history_user if latest and latest.history_user else "someone else"
        when = timezone.localtime(latest.history_date if latest else current.updated_at)
        raise ConflictError(
            STALE_VERSION.format(
                record=current,
                who=who,
                when=when.strftime("%d %b %Y %H:%M"),
                yours=expected_version,
                theirs=current.version,
            ),
            current_version=current.version,
        )
    return current


@transaction.atomic
def record_update(
    *,
    instance: M,
    actor: User | None,
    fields: Mapping[str, Any],
    expected_version: int | None,
    m2m: Mapping[str, Iterable[Any]] | None = None,
    reason: str = "",
) -> M:
    """Apply ``fields`` to ``instance`` if nobody changed it since ``expected_version``.

    A stale version raises ``ConflictError`` and writes nothing. A write that changes nothing
    keeps the version and adds no history entry.
    """
    current = _lock_current(instance, actor=actor, action="change", expected_version=expected_version)
    changed = False
    for name, value in fields.items():
        if getattr(current, name) != value:
            setattr(current, name, value)
            changed = True
    current.full_clean()
    if m2m and _set_many(current, m2m):
        changed = True
    if changed:
        current.version += 1
        _save_with_history(current, actor=actor, reason=reason)
    instance.refresh_from_db()
    return instance


@transaction.atomic
def record_delete(
    *, instance: DomainModel, actor: User | None, expected_version: int | None, reason: str = ""
) -> None:
    """Delete a record (its history keeps a final entry saying who deleted it)."""
    current = _lock_current(instance, actor=actor, action="delete", expected_version=expected_version)
    current._history_user = actor  # type: ignore[attr-defined]
    current._change_reason = reason or None  # type: ignore[attr-defined]
    linked = sorted(
        str(rel.related_model._meta.verbose_name_plural)  # type: ignore[union-attr]
        for rel in current._meta.related_objects
        if rel.many_to_many and getattr(current, rel.get_accessor_name()).exists()  # type: ignore[arg-type]
    )
    if linked:  # deleting would silently change those records, with no history on them
        raise ValidationError(DELETE_PROTECTED.format(record=current, used_by=", ".join(linked)))
    try:
        current.delete()
    except models.ProtectedError as exc:
        used_by = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        raise ValidationError(DELETE_PROTECTED.format(record=current, used_by=", ".join(used_by))) from exc


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; returns it with the secret, which is shown only now."""
    secret = ApiToken.new_secret()
    token = ApiToken(
        user=user, name=name.strip() or "API token", prefix=secret[:10], digest=ApiToken.digest_of(secret)
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> None:
    """Revoke one of the user's own tokens; it stops working at once."""
    if token.user_id != user.pk:
        raise PermissionDenied("You can only revoke your own API tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
