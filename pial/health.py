"""`/healthz`: is this web process able to serve? For load balancers and process managers.

No login, no data: it says only whether the database and Redis answer. It answers 503
when one of them does not, so a balancer takes the process out of rotation. It runs
outside the request transaction, or an unreachable database would fail before the view.
"""

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connections, transaction
from django.db.utils import load_backend
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

REDIS_TIMEOUT_SECONDS = 1


def database_settings() -> dict:
    return connections.settings["default"]


def database_answers(config: dict) -> bool:
    """Opens a short connection of its own, so a stale request connection cannot hide an outage."""
    connection = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias="healthz")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False
    finally:
        connection.close()


def redis_answers(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                      socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return False


@login_not_required
@transaction.non_atomic_requests
@never_cache
@require_safe
def healthz(request):
    checks = {"database": "ok" if database_answers(database_settings()) else "injoignable"}
    if settings.REDIS_URL:
        checks["redis"] = "ok" if redis_answers(settings.REDIS_URL) else "injoignable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "erreur", **checks}, status=200 if healthy else 503)
