"""REST endpoints of this app; madina/api/urls.py includes ``urlpatterns``."""

urlpatterns: list = []
