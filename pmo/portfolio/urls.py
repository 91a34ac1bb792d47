"""Pages of the portfolio register. Each kind of record gets list, new, detail, edit, history
and delete pages named ``portfolio:<model>_<action>``.

A page under ``projects/`` must come before the project paths: ``projects/<code>/`` would
otherwise take its name for a project code."""

from django.urls import URLPattern, path

from pmo.portfolio import views, views_import
from pmo.portfolio.views import RecordKind


def record_paths(prefix: str, kind: RecordKind, key: str = "<int:key>", *, detail: bool = True,
                 list_view: type[views.RecordListView] = views.RecordListView) -> list[URLPattern]:
    name = kind.name
    paths = [
        path(f"{prefix}/", list_view.as_view(kind=kind), name=f"{name}_list"),
        path(f"{prefix}/new/", views.RecordFormView.as_view(kind=kind), name=f"{name}_create"),
        path(f"{prefix}/{key}/edit/", views.RecordFormView.as_view(kind=kind), name=f"{name}_update"),
        path(f"{prefix}/{key}/history/", views.RecordHistoryView.as_view(kind=kind), name=f"{name}_history"),
        path(f"{prefix}/{key}/delete/", views.RecordDeleteView.as_view(kind=kind), name=f"{name}_delete"),
    ]
    if detail:
        detail_view = views.RecordDetailView.as_view(kind=kind)
        paths.append(path(f"{prefix}/{key}/", detail_view, name=f"{name}_detail"))
    return paths


app_name = "portfolio"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("projects/import/", views_import.project_import, name="project_import"),
    path("search/people/", views.person_search, name="person_search"),
    path("search/logins/", views.login_search, name="login_search"),
    path("search/projects/", views.project_search, name="project_search"),
    path("saved-views/", views.saved_view_save, name="saved_view_save"),
    path("saved-views/<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
    path("projects/import/template.xlsx", views_import.project_import_template,
         name="project_import_template"),
    path("import/", views_import.reference_import_index, name="reference_import_index"),
    path("import/<str:kind>/", views_import.reference_import, name="reference_import"),
    path("import/<str:kind>/template.xlsx", views_import.reference_template, name="reference_template"),
    path("import/<str:kind>/export.xlsx", views_import.reference_export, name="reference_export"),
    *record_paths("projects", views.PROJECTS, "<str:key>", list_view=views.ProjectListView),
    *record_paths("programmes", views.PROGRAMMES),
    *record_paths("portfolios", views.PORTFOLIOS),
    *record_paths("org-units", views.ORG_UNITS),
    *record_paths("objectives", views.OBJECTIVES),
    *record_paths("people", views.PEOPLE),
    *record_paths("settings/lifecycle", views.LIFECYCLE, detail=False),
]
