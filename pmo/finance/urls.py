"""Pages of finance, named ``finance:<page>``."""

from django.urls import path

from pmo.finance import views, views_books, views_cost_centres, views_evm, views_outline
from pmo.finance.views_reference import CATEGORIES, SOURCES, list_paths

app_name = "finance"
urlpatterns = [
    path("finance/", views.portfolio_finance, name="portfolio"),
    path("finance/projects/<str:code>/", views.project_finance, name="project"),
    path("finance/projects/<str:code>/forecast/", views.forecast_entry, name="forecast"),
    path(
        "finance/projects/<str:code>/forecast/template.xlsx",
        views_books.forecast_template,
        name="forecast_template",
    ),
    path("finance/projects/<str:code>/budget/", views_books.budget, name="budget"),
    path("finance/accuracy/", views.accuracy, name="accuracy"),
    path("finance/earned-value/", views_evm.earned_value, name="earned_value"),
    path("finance/outline/", views_outline.budget_outline_page, name="outline"),
    path("finance/settings/", views.settings_page, name="settings"),
    path("finance/cost-codes/", views.costcode_list, name="costcode_list"),
    path("finance/cost-codes/new/", views.costcode_create, name="costcode_create"),
    path("finance/cost-codes/<str:code>/", views.costcode_detail, name="costcode_detail"),
    path("finance/cost-codes/<str:code>/edit/", views.costcode_update, name="costcode_update"),
    *list_paths("finance/cost-categories", CATEGORIES),
    *list_paths("finance/funding-sources", SOURCES),
    path("finance/cost-centres/", views_cost_centres.costcentre_list, name="costcentre_list"),
    path("finance/cost-centres/new/", views_cost_centres.costcentre_create, name="costcentre_create"),
    path("finance/cost-centres/<str:code>/", views_cost_centres.costcentre_detail, name="costcentre_detail"),
    path(
        "finance/cost-centres/<str:code>/edit/",
        views_cost_centres.costcentre_update,
        name="costcentre_update",
    ),
    path(
        "finance/cost-centres/<str:code>/history/",
        views_cost_centres.costcentre_history,
        name="costcentre_history",
    ),
    path(
        "finance/cost-centres/<str:code>/budget/<int:year>/",
        views_cost_centres.costcentre_budget,
        name="costcentre_budget",
    ),
    path("finance/actuals/import/", views_books.actuals_import, name="actuals_import"),
    path("finance/actuals/import/template.xlsx", views_books.actuals_template, name="actuals_template"),
    path("finance/months/", views.months, name="months"),
    path("finance/months/<int:year>/<int:month>/open/", views.month_reopen, name="month_reopen"),
]
