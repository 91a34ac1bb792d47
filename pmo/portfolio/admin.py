"""The Django admin for the portfolio register, obeying the same rules as the rest of the system:
permissions per record from ``rules``, rows restricted by the selectors, saves and deletes through
the services (so history names the actor and a stale form is a conflict, not an overwrite)."""

from collections.abc import Callable
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from pmo.core.models import DomainModel, User
from pmo.core.services import ConflictError
from pmo.portfolio import selectors
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    StrategicObjective,
)
from pmo.portfolio.services import (
    project_create,
    project_delete,
    project_update,
    register_entry_create,
    register_entry_delete,
    register_entry_update,
)

CHANGED_WHILE_EDITING = (
    "Someone else saved this record while you were editing it (you started from version {yours}; "
    "it is now version {theirs}). Your changes were not saved: reload the page to see theirs, "
    "then make yours again."
)
REVERT_UNAVAILABLE = "Reverting from the history page is not available: change the record instead."


def _actor(request: HttpRequest) -> User:
    """The signed-in user: the admin lets nobody else this far."""
    return cast(User, request.user)


class VersionedForm(forms.ModelForm):
    """Carries the version the form was opened at, so a save over someone else's is refused."""

    editing_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["editing_version"].initial = self.instance.version
            self.fields["editing_version"].required = True  # no version, no overwrite

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        yours = cleaned.get("editing_version")
        if self.instance.pk and yours is not None:
            model = type(self.instance)
            theirs = (
                model._default_manager.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            )
            if theirs is not None and theirs != yours:
                raise ValidationError(CHANGED_WHILE_EDITING.format(yours=yours, theirs=theirs))
        return cleaned


class RegisterAdmin(ObjectPermissionsModelAdminMixin, SimpleHistoryAdmin):
    """Base of the register's admin pages. Subclasses name their ``selector``."""

    form = VersionedForm
    selector: ClassVar[Callable[..., QuerySet[Any]]]
    readonly_fields: tuple[str, ...] = ("version", "created_at", "updated_at")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff and self.has_view_permission(request))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = type(self).selector(user=request.user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def _fields_from(self, form: forms.ModelForm) -> dict[str, Any]:
        concrete = {f.name for f in self.model._meta.concrete_fields if f.editable}
        return {name: value for name, value in form.cleaned_data.items() if name in concrete}

    def _m2m_from(self, form: forms.ModelForm) -> dict[str, Any]:
        names = {f.name for f in self.model._meta.many_to_many}
        return {name: value for name, value in form.cleaned_data.items() if name in names}

    def _version_from(self, form: forms.ModelForm) -> int | None:
        version: int | None = form.cleaned_data.get("editing_version")
        return version

    def _create(self, request: HttpRequest, form: forms.ModelForm) -> DomainModel:
        return register_entry_create(actor=_actor(request), model=self.model, fields=self._fields_from(form))

    def _update(self, request: HttpRequest, obj: DomainModel, form: forms.ModelForm) -> DomainModel:
        return register_entry_update(
            actor=_actor(request),
            entry=obj,
            fields=self._fields_from(form),
            expected_version=self._version_from(form),
        )

    def _delete(self, request: HttpRequest, obj: DomainModel) -> None:
        register_entry_delete(actor=_actor(request), entry=obj, expected_version=None)

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        if change:
            # The form has already written its values onto ``obj``; the service checks
            # permission on, and compares against, the record as it is in the database.
            self._update(request, self.model._default_manager.get(pk=obj.pk), form)
            obj.refresh_from_db()
        else:
            created = self._create(request, form)
            obj.pk = created.pk
            obj._state.adding = False
            obj._state.db = created._state.db
            obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        """Many-to-many fields were saved by the service, inside its history entry."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._delete(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._delete(request, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConflictError as exc:  # someone saved between the form's check and ours
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied(REVERT_UNAVAILABLE)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(OrgUnit)
class OrgUnitAdmin(RegisterAdmin):
    selector = staticmethod(selectors.org_unit_list)
    list_display = ("name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(RegisterAdmin):
    selector = staticmethod(selectors.strategic_objective_list)
    list_display = ("code", "title", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "title")


@admin.register(Person)
class PersonAdmin(RegisterAdmin):
    selector = staticmethod(selectors.person_list)
    list_display = ("name", "email", "job_title", "org_unit", "user")
    list_filter = ("org_unit",)
    search_fields = ("name", "email", "job_title")
    raw_id_fields = ("user",)


@admin.register(LifecycleStage)
class LifecycleStageAdmin(RegisterAdmin):
    selector = staticmethod(selectors.lifecycle_stage_list)
    list_display = ("order", "name", "gate_name")
    search_fields = ("name", "gate_name")


@admin.register(Portfolio)
class PortfolioAdmin(RegisterAdmin):
    selector = staticmethod(selectors.portfolio_list)
    list_display = ("name", "owner")
    search_fields = ("name",)


@admin.register(Programme)
class ProgrammeAdmin(RegisterAdmin):
    selector = staticmethod(selectors.programme_list)
    list_display = ("code", "name", "portfolio", "sponsor", "manager")
    list_filter = ("portfolio",)
    search_fields = ("code", "name")


@admin.register(Project)
class ProjectAdmin(RegisterAdmin):
    """The register as the signed-in person may see it: a project manager sees the
    non-confidential projects and their own, and changes only their own."""

    selector = staticmethod(selectors.project_list)
    list_display = (
        "code",
        "name",
        "portfolio",
        "stage",
        "status",
        "project_manager",
        "sponsor",
        "confidential",
    )
    list_filter = ("status", "stage", "portfolio", "confidential")
    search_fields = ("code", "name")
    filter_horizontal = ("strategic_objectives",)

    def _create(self, request: HttpRequest, form: forms.ModelForm) -> DomainModel:
        return project_create(
            actor=_actor(request),
            fields=self._fields_from(form),
            strategic_objectives=self._m2m_from(form).get("strategic_objectives", ()),
        )

    def _update(self, request: HttpRequest, obj: DomainModel, form: forms.ModelForm) -> DomainModel:
        return project_update(
            actor=_actor(request),
            project=cast(Project, obj),
            fields=self._fields_from(form),
            expected_version=self._version_from(form),
            strategic_objectives=self._m2m_from(form).get("strategic_objectives"),
        )

    def _delete(self, request: HttpRequest, obj: DomainModel) -> None:
        project_delete(actor=_actor(request), project=cast(Project, obj), expected_version=None)
