from django.urls import path

from reports import exports, training_needs, views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("export.<str:fmt>", exports.report_export, name="export"),
    path("besoins-de-formation/", training_needs.training_needs, name="training_needs"),
]
