"""Writes shared by every domain app: audited create/update/delete with a version check,
personal API tokens, and logins with their roles."""

import copy
import datetime as dt
import functools
import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import BadHeaderError, send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pmo.core import clock
from pmo.core.choices import PMO_ROLES, Role
from pmo.core.constraints import validate_constraints
from pmo.core.models import ApiToken, DomainModel, Notification, User
from pmo.core.permissions import ensure_can, has_role, is_pmo_head, permission_name
from pmo.core.problems import Problems
from pmo.core.text_limits import DESCRIPTION, shorten, text_limit

M = TypeVar("M", bound=DomainModel)
logger = logging.getLogger(__name__)

STALE_VERSION = (
    "{record} was changed by {who} at {when} while you were editing (you had version "
    "{yours}, it is now version {theirs}). Your changes were not saved: reload it to see "
    "their change, then make yours again."
)
DELETE_PROTECTED = "{record} cannot be deleted because other records use it: {used_by}."


NOT_EDITABLE = "This cannot be changed here."
REASON_LENGTH = 100


class ConflictError(Exception):
    """A write named a version of a record that is no longer current."""

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.message = message
        self.current_version = current_version


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


def only_fields(fields: Mapping[str, Any], allowed: frozenset[str]) -> None:
    """Refuse fields a caller may not set through a service (naming them)."""
    refused = sorted(set(fields) - allowed)
    if refused:
        raise ValidationError(dict.fromkeys(refused, NOT_EDITABLE))


def short_reason(reason: str) -> str:
    """A reason fit for a history entry's one line."""
    reason = " ".join(reason.split())
    return reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1] + "…"


@transaction.atomic
def record_create(
    *,
    model: type[M],
    actor: User | None,
    fields: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
    reason: str = "",
    within: Any = None,
    authorised: bool = False,
) -> M:
    """Validate and create a record, its history entry written in the same transaction.

    ``within`` is the record the permission is judged on, where it depends on one (a project's
    report is added within that project). ``authorised`` says the calling workflow has already
    checked the actor's right (a sponsor's decision that makes a baseline). ``actor`` None means
    the system itself (demo loader, migrations): no permission check."""
    if actor is not None and not authorised:
        ensure_can(
            actor, permission_name(model, "add"), within, action=f"add {model._meta.verbose_name_plural}"
        )
    instance = model(**fields)
    _clean_new(instance)
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
    instance: DomainModel,
    *,
    actor: User | None,
    action: str,
    expected_version: int | None,
    authorised: bool = False,
    locked: DomainModel | None = None,
) -> DomainModel:
    """Lock the stored row (unless the caller has ``locked`` it already in this transaction),
    check the actor may ``action`` it (judged on the record as stored, not on edits made in
    memory) unless the calling workflow has ``authorised`` it, then compare versions; return the
    locked row."""
    model = type(instance)
    current = locked or model._default_manager.select_for_update().get(pk=instance.pk)
    if actor is not None and not authorised:
        ensure_can(actor, permission_name(current, action), current, action=lambda: f"{action} {current}")
    if expected_version is not None and current.version != expected_version:
        raise stale_version(current, expected_version)
    return current


def stale_version(current: DomainModel, expected_version: int) -> ConflictError:
    """The conflict of a write that named ``expected_version`` of a record now at a later one,
    saying who changed it last and when."""
    latest = current.history.select_related("history_user").first()  # type: ignore[attr-defined]
    who = latest.history_user if latest and latest.history_user else "someone else"
    when = timezone.localtime(latest.history_date if latest else current.updated_at)
    message = STALE_VERSION.format(
        record=current,
        who=who,
        when=when.strftime("%d %b %Y %H:%M"),
        yours=expected_version,
        theirs=current.version,
    )
    return ConflictError(message, current_version=current.version)


@functools.cache
def _checked_fields(model: type[models.Model]) -> list[frozenset[str]] | None:
    """The fields each unique or check constraint of ``model`` reads (None when one reads
    something else: an expression, a date)."""
    opts = model._meta
    if opts.get_parent_list() or any(
        getattr(f, f"unique_for_{part}") for f in opts.local_fields for part in ("date", "month", "year")
    ):
        return None
    names = [frozenset([f.name]) for f in opts.local_fields if f.unique]
    names += [frozenset(fields) for fields in opts.unique_together]
    for constraint in opts.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            condition = (
                models.Q(constraint.condition).referenced_base_fields if constraint.condition else set()
            )
            names.append(frozenset(constraint.fields) | condition)
        elif isinstance(constraint, models.CheckConstraint):
            names.append(frozenset(models.Q(constraint.condition).referenced_base_fields))
        else:
            return None
    return [frozenset(opts.get_field(name).name for name in fields) for fields in names]


def _holds_a_stored_row(field: models.Field[Any, Any], record: DomainModel) -> bool:
    """Whether ``field`` is a foreign key holding a record read from (or saved to) the database
    in this transaction: its row exists, and Django's check that it does would ask again."""
    if not isinstance(field, models.ForeignKey) or getattr(field.remote_field, "limit_choices_to", None):
        return False
    if not field.is_cached(record):
        return False
    related = field.get_cached_value(record)
    return related is not None and not related._state.adding and related.pk == getattr(record, field.attname)


def _validate(record: DomainModel, *, trusted: Iterable[str], skip: set[str]) -> None:
    """``full_clean``, but for the ``trusted`` fields' own checks (foreign keys whose rows are
    known to exist) and the unique and check constraints reading only ``skip`` fields."""
    errors: dict[str, Any] = {}
    try:
        record.clean_fields(exclude=list(trusted))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        record.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    skip = skip | {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        record.validate_unique(exclude=skip)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        validate_constraints(record, skip)  # the simple check constraints judged without a query
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _clean_new(record: DomainModel) -> None:
    """``full_clean`` of a new record, without asking the database whether the rows its foreign
    keys hold (records read in this transaction) exist."""
    _validate(
        record,
        trusted=[field.name for field in record._meta.concrete_fields if _holds_a_stored_row(field, record)],
        skip=set(),
    )


def _clean_update(current: DomainModel, edited: set[str]) -> None:
    """``full_clean`` of a stored record after ``edited`` fields changed, without asking the
    database again what it already guarantees for values that did not change: that an unchanged
    foreign key's row exists, and the unique and check constraints reading no edited field (nor
    whether a changed foreign key's row exists, when it holds a record read from it)."""
    opts = current._meta
    checked = _checked_fields(type(current))
    edited = {opts.get_field(name).name for name in edited}
    unchanged = {field.name for field in opts.concrete_fields} - edited
    if checked is None:
        current.full_clean()
        return
    _validate(
        current,
        trusted=[
            field.name
            for field in opts.concrete_fields
            if (
                field.is_relation
                and field.name in unchanged
                and not getattr(field.remote_field, "limit_choices_to", None)
            )
            or _holds_a_stored_row(field, current)
        ],
        skip=set(unchanged).difference(*(fields for fields in checked if fields & edited)),
    )


@transaction.atomic
def record_update(
    *,
    instance: M,
    actor: User | None,
    fields: Mapping[str, Any],
    expected_version: int | None,
    m2m: Mapping[str, Iterable[Any]] | None = None,
    reason: str = "",
    authorised: bool = False,
    locked: M | None = None,
    rows_changed: bool = False,
) -> M:
    """Apply ``fields`` to ``instance`` if nobody changed it since ``expected_version``.

    A stale version raises ``ConflictError`` and writes nothing. A write that changes nothing
    keeps the version and adds no history entry. ``authorised`` says the calling workflow has
    already checked the actor's right on the locked row (its transitions table): the change
    permission is not judged a second time. ``locked`` is the row as the calling workflow read
    it with ``select_for_update`` in this transaction, unchanged since: it is not read again.
    ``rows_changed`` says the caller changed rows that belong to the record (its lines, its
    milestones): a change even if no field did, so a new version and history entry.
    """
    current = _lock_current(
        instance,
        actor=actor,
        action="change",
        expected_version=expected_version,
        authorised=authorised,
        locked=locked,
    )
    edited: set[str] = set()
    for name, value in fields.items():
        if getattr(current, name) != value:
            setattr(current, name, value)
            edited.add(name)
    _clean_update(current, edited)
    changed = bool(edited) or rows_changed
    if m2m and _set_many(current, m2m):
        changed = True
    if changed:
        current.version += 1
        _save_with_history(current, actor=actor, reason=reason)
    _take_stored(instance, current)
    return instance


def _take_stored(instance: DomainModel, current: DomainModel) -> None:
    """Give ``instance`` the values of the row just locked (and saved) as ``current``, as the
    database would return them (decimals to their places), instead of reading the row again:
    what ``refresh_from_db`` does, without its query. A relation whose key changed is read
    again when next used; a computed column is read again when next used."""
    for field in instance._meta.concrete_fields:
        if field.generated:
            instance.__dict__.pop(field.attname, None)
            continue
        value = getattr(current, field.attname)
        if isinstance(field, models.DecimalField) and value is not None:
            value = Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places))
        if (
            isinstance(field, models.ForeignKey)
            and field.is_cached(instance)
            and getattr(instance, field.attname) != value
        ):
            field.delete_cached_value(instance)
        setattr(instance, field.attname, value)
    instance.__dict__.pop("_prefetched_objects_cache", None)  # its related rows: read again when used


@transaction.atomic
def record_delete(
    *,
    instance: DomainModel,
    actor: User | None,
    expected_version: int | None,
    reason: str = "",
    authorised: bool = False,
) -> None:
    """Delete a record (its history keeps a final entry saying who deleted it); ``authorised``
    when the calling workflow has checked the actor's right."""
    current = _lock_current(
        instance, actor=actor, action="delete", expected_version=expected_version, authorised=authorised
    )
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


TOKEN_EXPIRY_PASSED = "A token's expiry must be later than now; {when} has passed."
TOKENS_ENDED_BY_ADMIN = "Password changed in the administration site"
PASSWORD_CHANGED = "Password changed"
TOKENS_END_HELP = "Setting a new password ends every API token made with the login."


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """Create a personal API token; returns it with the secret, which is shown only now.

    With ``expires_at`` the token stops working then; without, it works until revoked (or until
    the login's password is reset, see ``api_tokens_end``)."""
    if expires_at is not None and expires_at <= clock.now():
        when = timezone.localtime(expires_at).strftime("%d %b %Y %H:%M")
        raise ValidationError({"expires_at": [TOKEN_EXPIRY_PASSED.format(when=when)]})
    secret = ApiToken.new_secret()
    token = ApiToken(
        user=user,
        name=name.strip() or "API token",
        prefix=secret[:10],
        digest=ApiToken.digest_of(secret),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_tokens_end(*, user: User, reason: str) -> int:
    """Revoke every token of ``user`` that still works, noting ``reason``; returns how many.

    A password reset ends them: whoever knew the old password may have made one."""
    return ApiToken.objects.active().filter(user=user).update(revoked_at=clock.now(), revoked_reason=reason)


class PasswordChangeEndsApiTokens:
    """Every password change ends the login's API tokens, whatever makes it: a set-password
    link, the admin, ``pmo changepassword``, a shell. Not a rule on passwords: Django tells each
    password validator when a saved password has changed (``password_changed``), so this sits in
    ``AUTH_PASSWORD_VALIDATORS``. The reason noted is the save's history reason, if it gave one."""

    def validate(self, password: str, user: User | None = None) -> None:
        return None

    def get_help_text(self) -> str:
        return TOKENS_END_HELP

    def password_changed(self, password: str, user: User | None = None) -> None:
        if user is not None and user.pk is not None:
            api_tokens_end(user=user, reason=getattr(user, "_change_reason", None) or PASSWORD_CHANGED)


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> None:
    """Revoke one of the user's own tokens; it stops working at once."""
    if token.user_id != user.pk:
        raise PermissionDenied("You can only revoke your own API tokens.")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])


# Logins and roles --------------------------------------------------------------------------
#
# A login's roles are its groups named in ``Role``; PMO roles bring admin access (``is_staff``).
# Only the PMO head (or a superuser) manages logins, only a superuser makes or changes a
# superuser, and nobody changes their own roles or deactivates themselves, so the PMO head
# cannot lock the PMO out or raise their own rights. Users carry no version column: the few
# PMO heads who edit them are not expected to collide, and every change is in the history.

USERNAME_TAKEN = "The username “{username}” is already taken: choose another."
UNKNOWN_ROLE = "“{role}” is not a role. The roles are: {roles}."
OWN_ROLES = "You cannot change your own roles: ask another PMO head to do it."
OWN_DEACTIVATION = "You cannot deactivate your own login: ask another PMO head to do it."
SUPERUSER_ONLY = "Only a superuser can make a login a superuser or take that away."
SUPERUSER_ACCOUNT = "Only a superuser can change a superuser's login."
NOT_A_USER_FIELD = "{field} cannot be set on a login here."

USER_FIELDS = frozenset({"username", "first_name", "last_name", "email", "is_active", "is_superuser"})
PASSWORD_LINK_ISSUED = "Set-password link issued"
PASSWORD_SET = "Password set through a set-password link"

set_password_tokens = PasswordResetTokenGenerator()


def _roles_from(values: Iterable[Role | str]) -> frozenset[Role]:
    roles = set()
    for value in values:
        try:
            roles.add(Role(value))
        except ValueError:
            raise ValidationError(
                {"roles": [UNKNOWN_ROLE.format(role=value, roles=", ".join(Role.values))]}
            ) from None
    return frozenset(roles)


def _stored_roles(user: User) -> frozenset[Role]:
    names = set(user.groups.values_list("name", flat=True))
    return frozenset(role for role in Role if role.label in names)


def _set_roles(user: User, roles: frozenset[Role]) -> bool:
    """Give ``user`` exactly ``roles`` (other groups are left alone); True if that changed them.
    The history entry comes from the save that follows, so the change itself writes none."""
    current = _stored_roles(user)
    if current == roles:
        return False
    user.skip_history_when_saving = True
    try:
        user.groups.remove(*Group.objects.filter(name__in=[role.label for role in current - roles]))
        user.groups.add(*(Group.objects.get_or_create(name=role.label)[0] for role in roles - current))
    finally:
        del user.skip_history_when_saving
    return True


def _needs_admin(user: User, roles: frozenset[Role]) -> bool:
    """PMO roles (and superusers) may use the admin site; nobody else."""
    return user.is_superuser or any(role.label in PMO_ROLES for role in roles)


def _validate_user(user: User) -> None:
    """Every field's own rules (the e-mail's format…), and a username nobody else has, whatever
    the capitals (sign-in tells "Ann" from "ann", people do not)."""
    problems = Problems()
    others = User.objects.exclude(pk=user.pk)
    taken = bool(user.username) and others.filter(username__iexact=user.username).exists()
    if taken:  # said once, in our words (not Django's "A user with that username already exists.")
        problems.add(ValidationError({"username": USERNAME_TAKEN.format(username=user.username)}))
    problems.check(user.full_clean, exclude=["password", "username"] if taken else ["password"])
    problems.raise_any()


def user_check(*, user: User | None, fields: Mapping[str, Any]) -> None:
    """The problems of giving ``user`` (a new login when None) ``fields``, writing nothing: for a
    form with problems of its own, so a username already taken shows with them."""
    checked = copy.copy(user) if user is not None else User()
    for name, value in fields.items():
        setattr(checked, name, value)
    _validate_user(checked)


def ensure_can_change_user(actor: Any, user: User) -> None:
    """Raise PermissionDenied, saying why, unless ``actor`` may change the login ``user``."""
    if not actor.has_perm("core.change_user", user):
        if user.is_superuser and is_pmo_head(actor):
            raise PermissionDenied(SUPERUSER_ACCOUNT)
        ensure_can(actor, "core.change_user", user, action=f"change the login of {user}")


def _set_password(user: User, password: str | None) -> None:
    if password is None:
        user.set_unusable_password()
        return
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)


def _password_link_path(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_set", kwargs={"uidb64": uidb64, "token": set_password_tokens.make_token(user)})


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[Role | str],
    password: str | None = None,
    is_superuser: bool = False,
    is_active: bool = True,
) -> tuple[User, str | None]:
    """Create a login holding ``roles``; returns it with a set-password link (a path).

    Without a ``password`` the login gets an unusable one, and the link, which works once and
    for ``PASSWORD_RESET_TIMEOUT`` seconds, lets the person choose their own: nobody else ever
    knows it. With a ``password`` (checked against the password rules) there is no link."""
    ensure_can(actor, "core.add_user", action="add logins")
    if is_superuser and not actor.is_superuser:
        raise PermissionDenied(SUPERUSER_ONLY)
    wanted = _roles_from(roles)
    user = User(
        username=username.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=User.objects.normalize_email(email.strip()),
        is_superuser=is_superuser,
        is_active=is_active,
    )
    user.is_staff = _needs_admin(user, wanted)
    _validate_user(user)
    _set_password(user, password)
    user.skip_history_when_saving = True
    user.save()
    del user.skip_history_when_saving
    _set_roles(user, wanted)
    user._history_user = actor  # type: ignore[attr-defined]
    user.save()
    # The entry was written by the second save, with the roles set; it records the creation.
    user.history.filter(history_id=user.history.latest().history_id).update(history_type="+")
    return user, None if password is not None else _password_link_path(user)


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    fields: Mapping[str, Any],
    roles: Iterable[Role | str] | None = None,
) -> User:
    """Change a login's details (``USER_FIELDS``) and, unless ``roles`` is None, its roles.

    A change that changes nothing adds no history entry. Nobody changes their own roles or
    deactivates themselves; only a superuser grants or removes superuser status."""
    unknown = set(fields) - USER_FIELDS
    if unknown:
        raise ValueError(NOT_A_USER_FIELD.format(field=", ".join(sorted(unknown))))
    current = User.objects.select_for_update().get(pk=user.pk)
    ensure_can_change_user(actor, current)
    oneself = current.pk == actor.pk
    wanted = None if roles is None else _roles_from(roles)
    if wanted is not None and oneself and wanted != _stored_roles(current):
        raise PermissionDenied(OWN_ROLES)
    if oneself and fields.get("is_active", True) is False:
        raise PermissionDenied(OWN_DEACTIVATION)
    grants = "is_superuser" in fields and bool(fields["is_superuser"]) != current.is_superuser
    if grants and not actor.is_superuser:
        raise PermissionDenied(SUPERUSER_ONLY)

    values = dict(fields)
    for name in ("username", "first_name", "last_name"):
        if name in values:
            values[name] = str(values[name]).strip()
    if "email" in values:
        values["email"] = User.objects.normalize_email(str(values["email"]).strip())
    changed = False
    for name, value in values.items():
        if getattr(current, name) != value:
            setattr(current, name, value)
            changed = True
    _validate_user(current)
    if wanted is not None and _set_roles(current, wanted):
        changed = True
    staff = _needs_admin(current, _stored_roles(current))
    if current.is_staff != staff:
        current.is_staff = staff
        changed = True
    if changed:
        current._history_user = actor  # type: ignore[attr-defined]
        current.save()
    user.refresh_from_db()
    return user


def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Let a login sign in again, or stop it signing in (its history and records stay)."""
    return user_update(actor=actor, user=user, fields={"is_active": active})


PEER_HEAD_LINK = (
    "Another PMO head's login can only be reset by a superuser: a set-password link would let you "
    "sign in as them."
)


@transaction.atomic
def user_password_link_create(*, actor: User, user: User) -> str:
    """A new set-password link (a path) for ``user``, noted in their history.

    Any password the login had stops working at once, and so do earlier links, the login's
    sessions and its API tokens. The link works once,
    for ``PASSWORD_RESET_TIMEOUT`` seconds, and stops working if the person sets a password
    another way. Another PMO head's login is a superuser's to reset."""
    current = User.objects.select_for_update().get(pk=user.pk)
    ensure_can_change_user(actor, current)
    if current.pk != actor.pk and not actor.is_superuser and has_role(current, Role.PMO_HEAD):
        raise PermissionDenied(PEER_HEAD_LINK)
    # The link replaces any password: nobody keeps a second way in, and the person notices. Their
    # sessions end with it (Django ties a session to the password) and so do their API tokens.
    current.set_unusable_password()
    current._history_user = actor  # type: ignore[attr-defined]
    current._change_reason = PASSWORD_LINK_ISSUED  # type: ignore[attr-defined]
    current.save()
    api_tokens_end(user=current, reason=PASSWORD_LINK_ISSUED)
    return _password_link_path(current)


@transaction.atomic
def user_password_set(*, user: User, password: str) -> User:
    """The person chooses their password through a set-password link (the link's view checks
    the link and the password rules). Noted in their history as done by them; any API token made
    before ends, as after every password change (``PasswordChangeEndsApiTokens``)."""
    user.set_password(password)
    user._history_user = user  # type: ignore[attr-defined]
    user._change_reason = PASSWORD_SET  # type: ignore[attr-defined]
    user.save()
    return user


# Notifications ------------------------------------------------------------------------------


def pmo_users() -> list[User]:
    """Every active member of the PMO (head, analyst, officer)."""
    return list(User.objects.filter(is_active=True, groups__name__in=PMO_ROLES).distinct())


def user_of(person: Any) -> User | None:
    """The login of a person record, if they have one."""
    return person.user if person is not None and person.user_id else None


def others_than(actor: User | None, *recipients: User | None) -> list[User | None]:
    """The recipients but the actor, who needs no telling what they have just done."""
    return [user for user in recipients if user is None or actor is None or user.pk != actor.pk]


BODY_LIMIT = text_limit(DESCRIPTION) - 100  # the body's limit, less room to say what was cut
"""A notification's body quotes people's text; one longer than this is cut, saying so."""


def notify(
    *,
    recipients: Iterable[User | None],
    key: str,
    subject: str,
    body: str = "",
    url: str = "",
    about: models.Model | None = None,
) -> int:
    """Tell each recipient once per ``key``: an in-app notification and an e-mail. Returns how
    many were new. With ``about`` (the record the message is about), only the recipients who
    may see that record are told (its ``view_*`` permission): a confidential project's news
    goes to no one outside its team and the PMO, whoever the record names.

    The e-mail goes when the surrounding transaction commits (at once outside one), so nobody is
    mailed about a change that was rolled back, and no database lock is held while the mail
    server answers. A failed e-mail leaves the notification unsent-by-mail (``emailed`` False)
    for the next periodic run to retry; it never undoes the change being announced."""
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    if about is not None:
        view = permission_name(about, "view")
        people = {pk: user for pk, user in people.items() if user.has_perm(view, about)}
    if not people:
        return 0
    already = set(
        Notification.objects.filter(recipient_id__in=people, key=key).values_list("recipient_id", flat=True)
    )
    new = [
        Notification(recipient=user, key=key, subject=subject[:200], body=shorten(body, BODY_LIMIT), url=url)
        for pk, user in people.items()
        if pk not in already
    ]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    recipient_ids = list(people)
    transaction.on_commit(
        lambda: notifications_email(
            Notification.objects.filter(
                key=key, emailed=False, recipient_id__in=recipient_ids
            ).select_related("recipient")
        )
    )
    return len(new)


def notifications_email(notifications: Iterable[Notification]) -> int:
    """E-mail notifications not yet e-mailed to recipients who have an address; returns the
    number sent. Each is claimed before it is sent, so two runs at once never send one twice; a
    failed send is released for the next retry."""
    sent = 0
    for notification in notifications:
        address = notification.recipient.email
        if not address or not notification.recipient.is_active:
            continue
        claimed = Notification.objects.filter(pk=notification.pk, emailed=False).update(emailed=True)
        if not claimed:
            continue
        link = f"\n\n{settings.PMO_SITE_URL}{notification.url}" if notification.url else ""
        try:
            send_mail(notification.subject, notification.body + link, None, [address])
        except (OSError, BadHeaderError):
            logger.exception("Could not e-mail notification %s to %s", notification.pk, address)
            Notification.objects.filter(pk=notification.pk).update(emailed=False)
            continue
        sent += 1
    return sent


def notification_mark_read(*, user: User, notification: Notification | None = None) -> int:
    """Mark one of the user's notifications read, or all of them when none is named."""
    unread = Notification.objects.restrict(user, "view").filter(read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=clock.now())
