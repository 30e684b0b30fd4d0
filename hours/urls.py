"""Hours, under /missions/: the AESH's weeks, the coordination's queue and balances, référent activity."""

from django.urls import path

from hours import exports, views

app_name = "hours"

urlpatterns = [
    path("heures/", views.my_hours, name="my_hours"),
    path("heures/semaine/<str:slug>/", views.my_timesheet, name="week"),
    path("heures/semaine/<str:slug>/ajouter/", views.my_timesheet_add, name="add"),
    path("heures/lignes/<int:pk>/retirer/", views.my_timesheet_remove, name="remove"),
    path("heures/releve/<int:year>-<int:month>.pdf", exports.my_statement, name="my_statement"),
    path("heures/validation/", views.queue, name="queue"),
    path("heures/validation/valider/", views.queue_validate, name="queue_validate"),
    path("heures/semaines/<int:pk>/", views.timesheet_detail, name="timesheet"),
    path("heures/semaines/<int:pk>/decision/", views.timesheet_decide, name="decide"),
    path("heures/bilans/", views.balances, name="balances"),
    path("heures/aesh/<int:pk>/", views.aesh_hours, name="aesh"),
    path("heures/aesh/<int:pk>/releve/<int:year>-<int:month>.pdf", exports.aesh_statement, name="statement"),
    path("heures/mois/<int:year>-<int:month>.<str:fmt>", exports.month_export, name="month_export"),
    path("referent/", views.referent_log, name="referent_log"),
    path("referent/<int:pk>/", views.referent_log_of, name="referent_log_of"),
]
