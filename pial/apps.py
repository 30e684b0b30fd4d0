from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PialConfig(AppConfig):
    default = True
    name = "pial"
    verbose_name = "Territoire et rôles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pial import access, checks, figures, lookups, sectors  # noqa: F401  (system checks; the sector import, for workers)

        access.connect()
        figures.install()
        lookups.install()


class PialAdminConfig(admin_apps.AdminConfig):
    """The Django admin, with pial's scoped admin site as the default site."""

    default = False
    default_site = "pial.admin_site.PialAdminSite"
