"""Pages of lessons, named ``lessons:<page>``."""

app_name = "lessons"
urlpatterns: list = []
