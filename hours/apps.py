from django.apps import AppConfig


class HoursConfig(AppConfig):
    name = "hours"
    verbose_name = "Heures des AESH"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from hours import jobs, perms
        from pial.navigation import NavItem, register, register_link
        from pial.reminders import register_job

        register(
            NavItem("Mes heures", "hours:my_hours", perms.can_declare_hours, "/missions/heures/", order=6),
            NavItem("Heures à valider", "hours:queue", perms.can_view_hours, "/missions/heures/", order=6),
        )
        register_link("hours:aesh", perms.can_view_hours)
        register_job("timesheet_draft", "Semaines d'AESH restées en brouillon", jobs.timesheet_draft)
