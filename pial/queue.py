"""Handing work to the Celery workers without letting a broker outage break a page.

A page that changed data has committed it before its tasks are enqueued (on_commit). If
Redis does not answer at that moment, the page still answers: the work it asked for is
kept in the database (pending reminders) and the periodic sweep enqueues it again once
the broker is back. Nothing is lost; it is only late.
"""

import logging

from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Sends a task to the broker once, without retrying for long; False (and a warning) if it is down."""
    try:
        task.apply_async(args=args, retry=False)
    except (OperationalError, RedisError, OSError) as error:
        logger.warning("File de tâches injoignable : %s(%s) attendra le prochain balayage (%s)",
                       task.name, ", ".join(map(str, args)), type(error).__name__)
        return False
    return True
