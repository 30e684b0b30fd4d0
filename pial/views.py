"""Pages of the territory app: home per role, scope switcher, people and invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pial import perms, selectors
from pial.enums import Role
from pial.forms import InvitationForm, add_service_errors, posted
from pial.scope import SESSION_KEY
from pial.services import membership_invite

HOME_TEMPLATES = {
    "NATIONAL": "pial/home_departement.html",
    "GESTIONNAIRE": "pial/home_departement.html",
    "INSPECTOR": "pial/home_circonscription.html",
    "ENSEIGNANT_REFERENT": "pial/home_referent.html",
    "COORDINATOR": "pial/home_pole.html",
    "PILOT": "pial/home_pole.html",
    "AESH": "pial/home_pole.html",
}


@login_not_required
def favicon(request):
    """The DSFR's icon, read from the static files' manifest at request time."""
    return redirect(static("dsfr/dist/favicon/favicon.ico"), permanent=True)


def home(request):
    """Any logged-in user: the territory of their acting scope."""
    scope = request.scope
    if scope.role == Role.INSPECTOR:
        return redirect("reports:report")  # the circonscription report is the inspector's home
    template = HOME_TEMPLATES.get(scope.role, "pial/home_norole.html")
    return render(request, template, selectors.home_summary(scope))


@require_POST
def scope_switch(request):
    """Any logged-in user: act through another of their own memberships."""
    wanted = request.POST.get("scope", "")
    keys = {scope.key: scope for scope in request.available_scopes}
    if wanted not in keys:
        messages.error(request, "Ce rôle ne fait pas partie des vôtres.")
    else:
        request.session[SESSION_KEY] = wanted
        messages.success(request, f"Vous agissez désormais en tant que : {keys[wanted].label}.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "home"
    return redirect(next_url)


def people(request):
    """Coordinators, pilots, gestionnaires, national admin: the people of their territory."""
    scope = request.scope
    if not perms.can_view_people(scope):
        raise PermissionDenied
    memberships = selectors.people_for(scope)
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    return render(
        request, "pial/people.html",
        {"page_obj": page, "can_invite": perms.can_invite_user(scope)},
    )


def invite(request):
    """Coordinators (within their pôle) and gestionnaires: create an account and a role."""
    scope = request.scope
    roles = perms.invitable_roles(scope)
    if not roles:
        raise PermissionDenied
    form = InvitationForm(posted(request), scope=scope, roles=roles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = membership_invite(
                scope=scope, email=data["email"], first_name=data["first_name"],
                last_name=data["last_name"], role=data["role"], pole=data["pole"],
                circonscription=data["circonscription"], departement=data["departement"],
                schools=list(data["schools"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Invitation envoyée à {membership.user.email} ({membership}).",
            )
            return redirect("people")
    return render(request, "pial/invite.html", {"form": form})
