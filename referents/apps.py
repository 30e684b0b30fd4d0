from django.apps import AppConfig


class ReferentsConfig(AppConfig):
    name = "referents"
    verbose_name = "Accueil et ressources du pôle"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pial.navigation import NavItem, register
        from pial.reminders import register_job
        from referents import jobs, perms

        register(NavItem("Accueil et ressources", "referents:hub", perms.can_open_hub, "/pole/", order=20),
                 NavItem("Ressources", "referents:library", perms.can_open_library_only, "/pole/ressources/",
                         order=20))
        register_job("newcomer_welcome", "Nouveaux AESH sans rencontre d'accueil après N jours d'école (réglage)",
                     jobs.newcomer_welcome)
