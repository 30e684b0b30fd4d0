from django.apps import AppConfig


class RecourseConfig(AppConfig):
    """« Solliciter l'IEN »: an app of its own, standing on aesh (the author) and pial (the school's
    circonscription), beside missions; reports read it only as a suppressed count."""

    name = "recourse"
    verbose_name = "Sollicitations de l'IEN"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pial.navigation import NavItem, register
        from recourse import perms

        register(
            NavItem("Solliciter l'IEN", "recourse:mine", perms.can_send_recourse, "/sollicitations/", order=60),
            NavItem("Sollicitations des AESH", "recourse:inbox", perms.can_read_recourses, "/sollicitations/",
                    order=60),
        )
