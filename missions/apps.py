from django.apps import AppConfig


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = "Missions et emplois du temps"
    default_auto_field = "django.db.models.BigAutoField"
