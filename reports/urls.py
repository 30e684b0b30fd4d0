from django.urls import path

from reports import exports, views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("export.<str:fmt>", exports.report_export, name="export"),
]
