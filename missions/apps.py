from django.apps import AppConfig


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = "Missions et emplois du temps"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from missions import jobs, perms
        from pial.navigation import NavItem, register, register_link
        from pial.reminders import register_job

        register(
            NavItem("Couverture et attente", "missions:dashboard", perms.can_view_dashboard, "/missions/", order=5),
            NavItem("Ma semaine", "missions:my_week", perms.can_view_own_week, "/missions/moi/", order=5),
            NavItem("Lettres de mission", "missions:letters", perms.can_view_letters, "/missions/lettres/",
                    order=30),
        )

        register_link("missions:aesh_week", perms.can_view_dashboard)
        register_job("notification_ended_assigned", "Notifications terminées avec une affectation en cours",
                     jobs.notification_ended_assigned)
        register_job("weekly_digest", "Synthèse hebdomadaire des coordonnateur·rices", jobs.weekly_digest)
