from django.apps import AppConfig


class ElevesConfig(AppConfig):
    name = "eleves"
    verbose_name = "Élèves et notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from eleves import imports_views, jobs, perms  # noqa: F401 - imports_views registers the import (workers)
        from pial.navigation import NavItem, register
        from pial.reminders import register_job

        register_job("notification_ending", "Notifications arrivant à échéance (90 et 30 jours)",
                     jobs.notification_ending)

        register(
            NavItem("Élèves", "eleves:list", perms.can_view_student_list, "/eleves/", order=20),
            NavItem("Journal des accès", "eleves:journal", perms.can_read_journal, "/eleves/journal/", order=70),
        )
