from django.apps import AppConfig


class AeshConfig(AppConfig):
    name = "aesh"
    verbose_name = "AESH et contrats"
    default_auto_field = "django.db.models.BigAutoField"
