from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from pial import perms


class PialAdminSite(admin.AdminSite):
    """The admin for raw record work, open to the roles perms.can_use_admin names."""

    site_header = "Administration de pial"
    site_title = "pial"
    index_title = "Données de votre périmètre"

    def has_permission(self, request) -> bool:
        return request.user.is_active and perms.can_use_admin(request.scope)

    def admin_view(self, view, cacheable=False):
        """A logged-in user without admin rights gets a 403, not a second login form."""
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, inner)

    def login(self, request, extra_context=None):
        """No second login form: everyone logs in through allauth, with MFA.

        A logged-in user who lands here lacks admin rights: 403.
        """
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", "/admin/"))
