from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("pmo.core.urls")),
    path("", include("pmo.portfolio.urls")),
    path("", include("pmo.reporting.urls")),
    path("", include("pmo.raid.urls")),
    path("", include("pmo.change.urls")),
    path("", include("pmo.schedule.urls")),
    path("", include("pmo.finance.urls")),
    path("", include("pmo.governance.urls")),
    path("", include("pmo.assurance.urls")),
    path("", include("pmo.lessons.urls")),
    path("", include("pmo.insights.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from its own address (no inline script).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="core/api_docs.html"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

# Under /api/ the errors Django answers itself are JSON in the API's error shape.
handler400 = "pmo.core.errors.bad_request"
handler403 = "pmo.core.errors.permission_denied"
handler404 = "pmo.core.errors.page_not_found"
handler500 = "pmo.core.errors.server_error"
