from django.urls import path

from pial.sectors import FLOW

app_name = "secteurs"

urlpatterns = [
    path("import/", FLOW.upload, name="import"),
    path("import/<str:token>/colonnes/", FLOW.mapping, name="import_mapping"),
    path("import/<str:token>/apercu/", FLOW.preview, name="import_preview"),
    path("import/<str:token>/etat/", FLOW.status, name="import_status"),
]
