from django.apps import AppConfig


class AeshConfig(AppConfig):
    name = "aesh"
    verbose_name = "AESH et contrats"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from aesh import jobs, needs, perms
        from pial.navigation import NavItem, register
        from pial.reminders import register_job

        register_job("training_due", "Formation d'adaptation : échéance des 60 heures", jobs.training_due)
        register_job("contract_renewal", "Contrats : date de l'intention de renouvellement atteinte",
                     jobs.contract_renewal)
        register_job("contract_ended", "Contrats terminés sans renouvellement", jobs.contract_ended)

        register(
            NavItem("AESH", "aesh:list", perms.can_view_aesh_list, "/aesh/", order=10),
            NavItem("Mon contrat", "aesh:me", perms.can_view_own_record, "/aesh/moi/", order=10),
            NavItem("Besoins de formation", "aesh:training_window", needs.can_view_window,
                    "/aesh/besoins-de-formation/", order=35),
        )
