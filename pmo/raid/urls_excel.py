"""Excel in and out of each RAID register (included by ``pmo.raid.urls``)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
