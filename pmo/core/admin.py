from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from pmo.core.models import ApiToken, User

admin.site.site_header = "Portfolio Office administration"
admin.site.site_title = "Portfolio Office"


@admin.register(User)
class PmoUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")
