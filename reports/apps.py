from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Rapports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created

        from pial.navigation import NavItem, register
        from reports import perms
        from reports.aggregates import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="pial_sqlite_median")
        register(NavItem("Rapport", "reports:report", perms.can_view_report, "/rapports/", order=4))
