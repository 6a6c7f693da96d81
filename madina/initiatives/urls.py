from madina.initiatives.views import analysis, duplicates, registry

app_name = "initiatives"

urlpatterns = [*registry.urlpatterns, *duplicates.urlpatterns, *analysis.urlpatterns]
