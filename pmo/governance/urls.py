"""Pages of governance, named ``governance:<page>``."""

app_name = "governance"
urlpatterns: list = []
