from django.urls import path

from missions import calendar, letters, rentree_views, views

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
    path("rentree/", rentree_views.prepare, name="rentree"),
    path("rentree/eleves/<int:pk>/", rentree_views.student, name="rentree_student"),
    path("rentree/transferts/<int:pk>/", rentree_views.transfer, name="rentree_transfer"),
    path("rentree/contrats/<int:pk>/", rentree_views.decision, name="rentree_decision"),
    path("rentree/bascule/", rentree_views.switch, name="switch"),
    path("lettres/", letters.letter_list, name="letters"),
    path("lettres/nouvelle/", letters.letter_create, name="letter_create"),
    path("lettres/<int:pk>/", letters.letter_detail, name="letter"),
    path("lettres/<int:pk>/signer/", letters.letter_sign, name="letter_sign"),
    path("lettres/<int:pk>/pdf/", letters.letter_pdf, name="letter_pdf"),
]
