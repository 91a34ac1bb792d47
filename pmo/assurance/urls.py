"""Pages of assurance, named ``assurance:<page>``."""

app_name = "assurance"
urlpatterns: list = []
