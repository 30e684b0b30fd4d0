from django.urls import path

from referents.views import hub, library, newcomers, sessions, sheets

app_name = "referents"

urlpatterns = [
    path("", hub.hub, name="hub"),
    path("livrets/", sheets.sheet_list, name="sheets"),
    path("livrets/<int:pk>/", sheets.sheet_detail, name="sheet"),
    path("livrets/<int:pk>/lu/", sheets.sheet_mark_read, name="sheet_read"),
    path("livrets/<int:pk>/modifier/", sheets.sheet_edit, name="sheet_edit"),
    path("livrets/<int:pk>/historique/", sheets.sheet_history, name="sheet_history"),
    path("nouveaux/", newcomers.newcomer_list, name="newcomers"),
    path("nouveaux/ouvrir/", newcomers.paths_open, name="paths_open"),
    path("mon-parcours/", newcomers.my_path, name="my_path"),
    path("nouveaux/<int:pk>/", newcomers.path_detail, name="path"),
    path("nouveaux/<int:pk>/referent/", newcomers.path_referent, name="path_referent"),
    path("nouveaux/<int:pk>/etapes/<str:kind>/", newcomers.step_tick, name="step_tick"),
    path("nouveaux/<int:pk>/etapes/<str:kind>/decocher/", newcomers.step_untick, name="step_untick"),
    path("ressources/", library.library, name="library"),
    path("ressources/nouvelle/", library.resource_create, name="resource_create"),
    path("ressources/<int:pk>/fichier/", library.resource_file, name="resource_file"),
    path("ressources/<int:pk>/retirer/", library.resource_delete, name="resource_delete"),
    path("echanges/", sessions.session_list, name="sessions"),
    path("echanges/nouveau/", sessions.session_create, name="session_create"),
    path("echanges/<int:pk>/", sessions.session_detail, name="session"),
    path("echanges/<int:pk>/modifier/", sessions.session_edit, name="session_edit"),
    path("echanges/<int:pk>/inscription/", sessions.session_sign_up, name="session_sign_up"),
    path("echanges/<int:pk>/presences/", sessions.session_attendance, name="session_attendance"),
    path("echanges/<int:pk>/formation/", sessions.session_training, name="session_training"),
]
