from django.urls import path

from aesh import exports, imports_views, needs, rentree_views, views

app_name = "aesh"

urlpatterns = [
    path("", views.aesh_list, name="list"),
    path("nouveau/", views.aesh_create, name="create"),
    path("export.<str:fmt>", exports.aesh_export, name="export"),
    path("import/", imports_views.FLOW.upload, name="import"),
    path("import/<str:token>/colonnes/", imports_views.FLOW.mapping, name="import_mapping"),
    path("import/<str:token>/apercu/", imports_views.FLOW.preview, name="import_preview"),
    path("import/<str:token>/etat/", imports_views.FLOW.status, name="import_status"),
    path("moi/", views.my_record, name="me"),
    path("moi/voeux/", rentree_views.my_wishes, name="my_wishes"),
    path("<int:pk>/voeux/", rentree_views.wish_detail, name="wish_detail"),
    path("moi/besoins-de-formation/", needs.my_needs, name="my_training_needs"),
    path("besoins-de-formation/", needs.window_page, name="training_window"),
    path("<int:pk>/", views.aesh_detail, name="detail"),
    path("<int:pk>/modifier/", views.aesh_update, name="update"),
    path("<int:pk>/inviter/", views.aesh_invite, name="invite"),
    path("<int:pk>/double-authentification/", views.aesh_mfa_reset, name="mfa_reset"),
    path("<int:pk>/contrats/nouveau/", views.contract_create, name="contract_create"),
    path("<int:pk>/formations/nouvelle/", views.training_create, name="training_create"),
    path("contrats/<int:pk>/modifier/", views.contract_update, name="contract_update"),
    path("contrats/<int:pk>/avenants/nouveau/", views.amendment_create, name="amendment_create"),
    path("avenants/<int:pk>/modifier/", views.amendment_update, name="amendment_update"),
    path("avenants/<int:pk>/reponse/", views.amendment_answer, name="amendment_answer"),
]
