from django.contrib import admin
from django.urls import include, path

from pial import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Pages without the DSFR head (the admin, the browser's own guess) ask for /favicon.ico.
    path("favicon.ico", views.favicon, name="favicon"),
    path("perimetre/", views.scope_switch, name="scope_switch"),
    path("personnes/", views.people, name="people"),
    path("personnes/inviter/", views.invite, name="invite"),
    path("secteurs/", include("pial.sector_urls")),
    path("aesh/", include("aesh.urls")),
    path("eleves/", include("eleves.urls")),
    path("missions/", include("hours.urls")),
    path("missions/", include("planner.urls")),
    path("missions/", include("missions.urls")),
    path("pole/", include("referents.urls")),
    path("sollicitations/", include("recourse.urls")),
    path("rapports/", include("reports.urls")),
    path("comptes/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
