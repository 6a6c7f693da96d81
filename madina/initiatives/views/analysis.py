"""Pages of the initiatives registry; madina/initiatives/urls.py gathers ``urlpatterns``."""

urlpatterns: list = []
