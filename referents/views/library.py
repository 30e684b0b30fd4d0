"""The resources of the pôle, with the département's and the national shelves: read by the
pôle's people, curated by its référent·es and coordination, the DSDEN and the national admin."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pial.forms import add_service_errors, posted, posted_files
from pial.models import Departement, Pole
from referents import perms, selectors, services
from referents.access import access_of
from referents.enums import ResourceKind
from referents.forms import LibraryFilterForm, ResourceForm
from referents.models import Resource, ResourceTag
from referents.views.common import require


def library(request):
    access = access_of(request)
    require(perms.can_view_library(access.scope))
    tags = ResourceTag.objects.filter(resources__in=Resource.objects.visible_to(access.scope)).distinct()
    form = LibraryFilterForm(request.GET or None, tags=tags)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    resources = list(selectors.library(access, q=(filters.get("q") or "").strip(), tag=filters.get("tag") or "",
                                       level=filters.get("level") or "", shelf=filters.get("shelf") or "")[:200])
    return render(request, "referents/library.html", {
        "form": form, "resources": resources, "can_add": bool(perms.shelves_for(access)),
        "curated": {r.pk for r in resources if perms.can_curate(access, r)},
    })


def resource_create(request):
    access = access_of(request)
    require(perms.can_view_library(access.scope))
    shelves = perms.shelves_for(access)
    require(bool(shelves))
    form = ResourceForm(posted(request), posted_files(request), shelves=shelves)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pole = Pole.objects.filter(pk=access.pole_id).first() if access.pole_id else None
        departement = Departement.objects.filter(pk=access.scope.departement_id).first() \
            if access.scope.departement_id else None
        try:
            services.resource_add(shelf=data["shelf"], pole=pole, departement=departement, title=data["title"],
                                  kind=data["kind"], url=data.get("url") or "", upload=data.get("file"),
                                  description=data["description"], tags=data["tags"], levels=data["levels"],
                                  user=request.user, added_by_label=access.label)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Ressource ajoutée à l'étagère.")
            return redirect("referents:library")
    return render(request, "referents/form.html", {"form": form, "title": "Ajouter une ressource",
                                                   "back": ("referents:library", None)})


def resource_file(request, pk: int):
    """A document of a shelf the person reads, from private storage, as an attachment."""
    access = access_of(request)
    require(perms.can_view_library(access.scope))
    resource = Resource.objects.visible_to(access.scope).filter(pk=pk, kind=ResourceKind.DOCUMENT).first()
    if resource is None or not resource.file:
        raise Http404
    response = FileResponse(resource.file.open("rb"), as_attachment=True, filename=resource.original_name,
                            content_type=resource.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def resource_delete(request, pk: int):
    access = access_of(request)
    require(perms.can_view_library(access.scope))
    resource = get_object_or_404(Resource.objects.visible_to(access.scope), pk=pk)
    require(perms.can_curate(access, resource))
    services.resource_remove(resource=resource)
    messages.success(request, "Ressource retirée de l'étagère.")
    return redirect("referents:library")
