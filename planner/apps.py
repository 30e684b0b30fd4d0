from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "planner"
    verbose_name = "Planificateur des emplois du temps"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from planner import imports  # noqa: F401 - registers the class timetable import (Celery workers)
