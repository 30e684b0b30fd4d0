"""The framework floor of the page benchmarks: pial's URLs, plus one page that renders the base
layout for a signed-in person and nothing else (middleware, session, scope, MFA, template)."""

from django.shortcuts import render
from django.urls import include, path


def floor(request):
    return render(request, "layouts/base.html", {})


urlpatterns = [path("banc/plancher/", floor, name="bench_floor"), path("", include("pial.urls"))]
