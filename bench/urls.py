"""The site's urlconf with the benchmark's floor beside it (``bench.measure``)."""

from django.urls import include, path

from bench.measure import FLOOR_URL, floor

urlpatterns = [path(FLOOR_URL.strip("/") + "/", floor), path("", include("config.urls"))]
