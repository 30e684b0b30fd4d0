from django.urls import path

from recourse import views

app_name = "recourse"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("mes-demandes/", views.my_recourses, name="mine"),
    path("nouvelle/", views.recourse_create, name="create"),
    path("<int:pk>/", views.recourse_detail, name="detail"),
]
