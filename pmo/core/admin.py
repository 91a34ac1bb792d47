from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from pmo.core.forms import AdminPasswordForm
from pmo.core.models import ApiToken, User
from pmo.core.permissions import permission_name

admin.site.site_header = "Portfolio Office administration"
admin.site.site_title = "Portfolio Office"


@admin.register(User)
class PmoUserAdmin(UserAdmin):
    """Superusers only. The PMO head manages logins and roles on the "Users and roles" pages,
    whose services stop anyone raising their own rights; this admin page does not, and the
    ``core.*_user`` rules that let the PMO head use those pages would otherwise open it too."""

    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    change_password_form = AdminPasswordForm

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners (profile page or API), which is the only time the secret
    is shown; here an administrator sees them and may revoke one by setting ``revoked at``."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("user", "name", "prefix", "digest", "created_at", "last_used_at", "expires_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# Read-only admin for the domain apps' workflow records -----------------------------------------
# Every write to them is a workflow step that only the services perform, with their checks and
# history; the admin shows the records, restricted by the same selectors and ``rules`` as the
# pages and the API, and their history.

READ_ONLY = "These records change only through their workflow (the pages or the API), never here."


class NoWritesMixin:
    """Nothing is added, changed or deleted through the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyMixin(NoWritesMixin):
    """Nothing is added, changed or deleted here. Who sees what follows the model's restriction
    (``pmo.core.restrict``): the selector lists what the user may see, and the ``view_*``
    permission derived from the same rule answers for one record (or, with none, whether the
    user may see any)."""

    model: type[Model]
    selector: ClassVar[Callable[..., QuerySet[Any]]]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff and self.has_view_permission(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm(permission_name(self.model, "view"), obj))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = type(self).selector(user=request.user)
        ordering = self.get_ordering(request)  # type: ignore[attr-defined]
        return queryset.order_by(*ordering) if ordering else queryset


class ReadOnlyHistoryAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """A read-only record with its history page (no reverting: that would be a write)."""

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied(READ_ONLY)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInline(NoWritesMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True  # shown only inside a record its reader may already see
