from django.apps import AppConfig


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = "Missions et emplois du temps"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from missions import jobs
        from pial.reminders import register_job

        register_job("notification_ended_assigned", "Notifications terminées avec une affectation en cours",
                     jobs.notification_ended_assigned)
        register_job("weekly_digest", "Synthèse hebdomadaire des coordonnateur·rices", jobs.weekly_digest)
