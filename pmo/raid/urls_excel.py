"""Excel in and out of each RAID register (included by ``pmo.raid.urls``)."""

from django.urls import URLPattern, path

from pmo.raid import views_excel

urlpatterns: list[URLPattern] = [
    path("raid/<str:kind>/template.xlsx", views_excel.register_template, name="register_template"),
    path("raid/<str:kind>/export.xlsx", views_excel.register_export, name="register_export"),
    path("raid/<str:kind>/import/", views_excel.register_import_page, name="register_import"),
]
