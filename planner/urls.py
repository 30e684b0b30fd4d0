"""The planner, under /missions/: proposals for the pôle's timetables, absences and their replacements."""

from django.urls import path

from planner import imports, pronote_import, views

app_name = "planner"

urlpatterns = [
    path("planificateur/", views.planner, name="home"),
    path("planificateur/<int:pk>/", views.run_detail, name="run"),
    path("planificateur/<int:pk>/etat/", views.run_status, name="status"),
    path("planificateur/<int:pk>/annuler/", views.run_cancel, name="cancel"),
    path("planificateur/<int:pk>/accepter/", views.run_accept, name="accept"),
    path("planificateur/emplois-du-temps/import/", imports.FLOW.upload, name="import"),
    path("planificateur/emplois-du-temps/import/<str:token>/colonnes/", imports.FLOW.mapping, name="import_mapping"),
    path("planificateur/emplois-du-temps/import/<str:token>/apercu/", imports.FLOW.preview, name="import_preview"),
    path("planificateur/emplois-du-temps/import/<str:token>/etat/", imports.FLOW.status, name="import_status"),
    path("planificateur/pronote/", pronote_import.upload, name="pronote_import"),
    path("planificateur/pronote/<str:token>/", pronote_import.check, name="pronote_check"),
    path("planificateur/disponibilites/", views.availability, name="availability"),
    path("absences/", views.absences, name="absences"),
    path("absences/<int:pk>/", views.absence_detail, name="absence"),
    path("absences/<int:pk>/remplacer/", views.absence_replace, name="replace"),
]
