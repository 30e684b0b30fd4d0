"""CPU per request against the framework floor, in this process: the client, the middleware,
the view, the ORM and the template, not the database server. Pages and the floor are requested
in turn (floor, page, floor, page …) so a drift of the machine touches both alike; medians."""

from __future__ import annotations

import statistics
import time

from django.test import Client, override_settings

FLOOR = "/banc/plancher/"


def cpu_ms(client: Client, url: str) -> float:
    started = time.process_time()
    response = client.get(url)
    spent = (time.process_time() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return spent


def against_floor(user, urls: list[str], rounds: int = 15) -> dict[str, tuple[float, float]]:
    """{url: (median CPU ms, ratio to the floor's median)}, the floor included."""
    with override_settings(ROOT_URLCONF="benchmarks.urls"):
        client = Client()
        client.force_login(user)
        for url in [FLOOR, *urls]:  # warm: templates compiled, caches filled
            cpu_ms(client, url)
        samples: dict[str, list[float]] = {url: [] for url in [FLOOR, *urls]}
        for _ in range(rounds):
            for url in urls:
                samples[FLOOR].append(cpu_ms(client, FLOOR))
                samples[url].append(cpu_ms(client, url))
    floor = statistics.median(samples[FLOOR])
    return {url: (statistics.median(values), statistics.median(values) / floor) for url, values in samples.items()}
