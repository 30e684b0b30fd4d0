from django.urls import path

from missions import calendar, letters, views
from missions.hours import exports as hours_exports
from missions.hours import views as hours
from missions.planner import imports as course_imports
from missions.planner import views as planner

app_name = "missions"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("moi/", views.my_week, name="my_week"),
    path("moi/agenda/", views.calendar_manage, name="calendar_manage"),
    path("agenda/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("changements/<int:pk>/vu/", views.change_acknowledge, name="change_acknowledge"),
    path("aesh/<int:pk>/semaine/", views.aesh_week, name="aesh_week"),
    path("aesh/<int:pk>/creneaux/nouveau/", views.slot_create, name="slot_create"),
    path("creneaux/<int:pk>/modifier/", views.slot_update, name="slot_update"),
    path("creneaux/<int:pk>/supprimer/", views.slot_delete, name="slot_delete"),
    path("eleves/<int:pk>/semaine/", views.student_week, name="student_week"),
    path("etablissements/<int:pk>/jour/<int:weekday>/", views.school_day, name="school_day"),
    path("affectations/nouvelle/", views.assignment_create, name="assignment_create"),
    path("affectations/<int:pk>/terminer/", views.assignment_end, name="assignment_end"),
    # Hours: the AESH's weeks, the coordination's queue and balances, référent activity.
    path("heures/", hours.my_hours, name="hours"),
    path("heures/semaine/<str:slug>/", hours.my_timesheet, name="hours_week"),
    path("heures/semaine/<str:slug>/ajouter/", hours.my_timesheet_add, name="hours_add"),
    path("heures/lignes/<int:pk>/retirer/", hours.my_timesheet_remove, name="hours_remove"),
    path("heures/releve/<int:year>-<int:month>.pdf", hours_exports.my_statement, name="hours_my_statement"),
    path("heures/validation/", hours.queue, name="hours_queue"),
    path("heures/validation/valider/", hours.queue_validate, name="hours_queue_validate"),
    path("heures/semaines/<int:pk>/", hours.timesheet_detail, name="hours_timesheet"),
    path("heures/semaines/<int:pk>/decision/", hours.timesheet_decide, name="hours_decide"),
    path("heures/bilans/", hours.balances, name="hours_balances"),
    path("heures/aesh/<int:pk>/", hours.aesh_hours, name="hours_aesh"),
    path("heures/aesh/<int:pk>/releve/<int:year>-<int:month>.pdf", hours_exports.aesh_statement,
         name="hours_statement"),
    path("heures/mois/<int:year>-<int:month>.<str:fmt>", hours_exports.month_export, name="hours_month_export"),
    path("referent/", hours.referent_log, name="referent_log"),
    path("referent/<int:pk>/", hours.referent_log_of, name="referent_log_of"),
    # Planner: proposals for the pôle's timetables, absences and their replacements.
    path("planificateur/", planner.planner, name="planner"),
    path("planificateur/<int:pk>/", planner.run_detail, name="planner_run"),
    path("planificateur/<int:pk>/etat/", planner.run_status, name="planner_status"),
    path("planificateur/<int:pk>/annuler/", planner.run_cancel, name="planner_cancel"),
    path("planificateur/<int:pk>/accepter/", planner.run_accept, name="planner_accept"),
    path("planificateur/emplois-du-temps/import/", course_imports.FLOW.upload, name="import"),
    path("planificateur/emplois-du-temps/import/<str:token>/colonnes/", course_imports.FLOW.mapping,
         name="import_mapping"),
    path("planificateur/emplois-du-temps/import/<str:token>/apercu/", course_imports.FLOW.preview,
         name="import_preview"),
    path("planificateur/emplois-du-temps/import/<str:token>/etat/", course_imports.FLOW.status,
         name="import_status"),
    path("absences/", planner.absences, name="planner_absences"),
    path("absences/<int:pk>/", planner.absence_detail, name="planner_absence"),
    path("absences/<int:pk>/remplacer/", planner.absence_replace, name="planner_replace"),
    path("lettres/", letters.letter_list, name="letters"),
    path("lettres/nouvelle/", letters.letter_create, name="letter_create"),
    path("lettres/<int:pk>/", letters.letter_detail, name="letter"),
    path("lettres/<int:pk>/signer/", letters.letter_sign, name="letter_sign"),
    path("lettres/<int:pk>/pdf/", letters.letter_pdf, name="letter_pdf"),
]
