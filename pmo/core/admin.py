from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from pmo.core.models import ApiToken, User

admin.site.site_header = "Portfolio Office administration"
admin.site.site_title = "Portfolio Office"


@admin.register(User)
class PmoUserAdmin(UserAdmin):
    """Superusers only. The PMO head manages logins and roles on the "Users and roles" pages,
    whose services stop anyone raising their own rights; this admin page does not, and the
    ``core.*_user`` rules that let the PMO head use those pages would otherwise open it too."""

    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")

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

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("user", "name", "prefix", "digest", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
