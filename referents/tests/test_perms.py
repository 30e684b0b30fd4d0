"""Who may open the toolbox's other pages: the hub, the history of a sheet, planning a session,
opening paths and choosing their référent."""

import datetime

import pytest
from django.urls import reverse

from referents import services
from referents.models import NewcomerPath
from referents.tests.conftest import TODAY, login


@pytest.fixture
def urls(world, toolbox):
    services.sheet_save(school=world.schools_a[0], data={"access": "Rue"}, user=None, author_label="x")
    path = services.path_open(aesh=toolbox["lea"], joined_on=TODAY - datetime.timedelta(days=3), today=TODAY)
    return {"hub": ("get", reverse("referents:hub")),
            "history": ("get", reverse("referents:sheet_history", args=[world.schools_a[0].pk])),
            "session_create": ("get", reverse("referents:session_create")),
            "paths_open": ("post", reverse("referents:paths_open")),
            "path_referent": ("post", reverse("referents:path_referent", args=[path.pk])),
            "my_path": ("get", reverse("referents:my_path"))}


EXPECTED = {
    #                  hub  history session_create paths_open path_referent my_path
    "coordinator_a": (200, 200, 200, 302, 302, 403),
    "pilot_a": (200, 200, 403, 403, 403, 403),
    "referente_a": (200, 200, 200, 403, 403, 200),
    "aesh_a": (200, 403, 403, 403, 403, 302),           # Léa: her own path
    "coordinator_b": (200, 404, 200, 302, 404, 403),
    "inspector_a": (403, 403, 403, 403, 403, 403),
    "gestionnaire": (403, 403, 403, 403, 403, 403),
    "referent_a": (403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("user", list(EXPECTED))
def test_each_role_on_each_page(client, world, urls, user):
    login(client, world, user)
    got = tuple(getattr(client, method)(url).status_code for method, url in urls.values())
    assert got == EXPECTED[user]


def test_the_coordination_chooses_the_referent_of_its_pole_only(client, world, toolbox, urls):
    path = NewcomerPath.objects.get()
    login(client, world, "coordinator_a")
    client.post(reverse("referents:path_referent", args=[path.pk]), {"referent": toolbox["aesh_b"].pk})
    path.refresh_from_db()
    assert path.referent == toolbox["referente"]
    client.post(reverse("referents:path_referent", args=[path.pk]), {"referent": toolbox["colleague"].pk})
    path.refresh_from_db()
    assert path.referent == toolbox["colleague"]
