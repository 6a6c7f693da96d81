from django.urls import path

from madina.territory import views

app_name = "territory"

urlpatterns = [
    path("", views.area_list, name="area_list"),
    path("lookup/", views.area_lookup, name="area_lookup"),
    path("<str:code>/", views.area_detail, name="area_detail"),
]
