"""The one Celery app of pial: tasks are found in each app's tasks.py.

With REDIS_URL set, Redis is the broker; without it, tasks run inline
(CELERY_TASK_ALWAYS_EAGER), so development needs no worker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pial.settings")

app = Celery("pial")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
