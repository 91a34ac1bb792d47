"""Pages of the RAID registers, named ``raid:<page>``."""

from django.urls import path

from pmo.raid import urls_excel, views

app_name = "raid"
urlpatterns = [
    path("raid/settings/", views.settings_page, name="settings"),
    path("raid/<str:kind>/<int:pk>/", views.item_detail, name="item_detail"),
    *urls_excel.urlpatterns,
]
