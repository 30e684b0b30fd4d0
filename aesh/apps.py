from django.apps import AppConfig


class AeshConfig(AppConfig):
    name = "aesh"
    verbose_name = "AESH et contrats"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from aesh import perms
        from pial.navigation import NavItem, register

        register(
            NavItem("AESH", "aesh:list", perms.can_view_aesh_list, "/aesh/", order=10),
            NavItem("Mon contrat", "aesh:me", perms.can_view_own_record, "/aesh/moi/", order=10),
        )
