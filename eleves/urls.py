from django.urls import path

from eleves import imports_views, views

app_name = "eleves"

urlpatterns = [
    path("", views.student_list, name="list"),
    path("nouveau/", views.student_create, name="create"),
    path("notifications/echeances/", views.notifications_ending, name="notifications_ending"),
    path("notifications/<int:pk>/modifier/", views.notification_update, name="notification_update"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("journal/", views.journal_view, name="journal"),
    path("import/", imports_views.FLOW.upload, name="import"),
    path("import/<str:token>/colonnes/", imports_views.FLOW.mapping, name="import_mapping"),
    path("import/<str:token>/apercu/", imports_views.FLOW.preview, name="import_preview"),
    path("import/<str:token>/etat/", imports_views.FLOW.status, name="import_status"),
    path("<int:pk>/", views.student_detail, name="detail"),
    path("<int:pk>/modifier/", views.student_update, name="update"),
    path("<int:pk>/notifications/nouvelle/", views.notification_create, name="notification_create"),
    path("<int:pk>/pps/", views.pps_edit, name="pps"),
    path("<int:pk>/documents/nouveau/", views.document_upload, name="document_upload"),
]
