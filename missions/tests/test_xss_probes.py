"""XSS probes: markup typed into every free-text field comes out as text, in pages, PDFs and exports.

On the demo data, every free-text column of the records people type (names, PPS extracts,
comments, labels, letters…) is overwritten with a probe that would run if it were ever
output raw. Then, as each role, a crawler follows every same-site link from the menus —
pages, PDFs, spreadsheets, CSV — and checks that each answers without error and that the
probe's markup never appears unescaped. Spreadsheet cells keep it as inert text.
"""

import io
import re
import zipfile
from collections import deque

import pytest
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from pypdf import PdfReader

from aesh.models import Aesh, Amendment, Contract, Training, TrainingNeed, TrainingTheme
from eleves.models import Notification, Pps, Student
from hours.models import ReferentActivity, TimeEntry, Timesheet
from missions.models import MissionLetter, TimetableChange
from pial.models import Membership, School
from pial.scope import SESSION_KEY
from pial.tests.factories import TotpFactory
from recourse.models import Recourse, RecourseMessage
from referents.models import NewcomerStep, PracticeSession, Resource, WelcomeSheet

pytestmark = pytest.mark.sweep  # a whole-site sweep: in make test, not in make test-fast

PROBE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
RAW = ("<script>alert(2)", "<img src=x onerror")
# Columns that are identifiers or formats checked elsewhere, not free text.
NOT_FREE_TEXT = {"email", "uai", "ine", "phone", "token", "slug", "code", "password", "key", "zone", "colour"}
MODELS = [Aesh, Contract, Amendment, Training, Student, Notification, Pps, School, Timesheet, TimeEntry,
          MissionLetter, ReferentActivity, TimetableChange, WelcomeSheet, NewcomerStep, Resource, PracticeSession,
          Recourse, RecourseMessage, TrainingNeed, TrainingTheme]
SKIP_LINKS = ("/comptes/", "/admin/", "/static/", "/agenda/", "mailto:", "#", "/healthz")
PAGE_LIMIT = 220


def _free_text_fields(model):
    return [f for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
            and f.name not in NOT_FREE_TEXT and not f.unique]


def _probe_everything() -> int:
    changed = 0
    for model in MODELS:
        for field in _free_text_fields(model):
            if field.max_length and field.max_length < len(PROBE) + 8:
                continue
            # The row's id after the probe keeps rows distinct where a constraint wants them so.
            value = Concat(Value(PROBE + " "), Cast("pk", models.CharField()), output_field=models.CharField())
            changed += model.objects.update(**{field.name: value})
    return changed


def _check_body(url: str, response) -> list[str]:
    kind = response.get("Content-Type", "")
    body = response.content
    problems = []
    if "html" in kind:
        text = body.decode()
        problems += [f"{url} : « {raw} » brut dans la page" for raw in RAW if raw in text]
    elif "pdf" in kind:
        # A PDF runs no markup; it must still be built (reportlab reads markup in paragraphs) and read.
        "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    elif "spreadsheet" in kind or "opendocument" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for name in archive.namelist():
                if name.endswith(".xml"):
                    xml = archive.read(name).decode()
                    problems += [f"{url} : « {raw} » brut dans {name}" for raw in RAW if raw in xml]
    return problems


def _crawl(client, starts) -> tuple[int, list[str], set[str], int]:
    seen, queue, problems, kinds, escaped = set(), deque(starts), [], set(), 0
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200:
            if response.status_code >= 500:
                problems.append(f"{url} : erreur {response.status_code}")
            continue
        kinds.add(response.get("Content-Type", "").split(";")[0])
        problems += _check_body(url, response)
        if "html" in response.get("Content-Type", ""):
            escaped += "&lt;script&gt;alert(2)&lt;/script&gt;" in response.content.decode()
            for link in re.findall(r'href="([^"]+)"', response.content.decode()):
                link = link.replace("&amp;", "&")
                if link.startswith("/") and not link.startswith(SKIP_LINKS) and link not in seen:
                    queue.append(link)
    return len(seen), problems, kinds, escaped


def test_probes_come_out_as_text_everywhere(demo, client, settings, tmp_path):
    settings.DEBUG = False
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    assert _probe_everything() > 200
    assert Student.objects.filter(last_name__startswith=PROBE).count() == Student.objects.count()

    visited, all_kinds, escaped = 0, set(), 0
    for email in ("coordination@demo.pial.fr", "aesh@demo.pial.fr", "pilote@demo.pial.fr", "ien@demo.pial.fr"):
        membership = Membership.objects.select_related("user").filter(user__email=email).order_by("pk").first()
        TotpFactory(user=membership.user)
        client.force_login(membership.user)
        session = client.session
        session[SESSION_KEY] = str(membership.pk)
        session.save()
        count, problems, kinds, shown = _crawl(client, ["/"])
        assert problems == [], email
        visited, all_kinds, escaped = visited + count, all_kinds | kinds, escaped + shown
    # The crawl reached pages, PDFs and spreadsheets, and some page showed the probe, escaped.
    assert visited > 150
    assert {"text/html", "application/pdf"} <= all_kinds
    assert any("spreadsheet" in kind for kind in all_kinds)
    assert escaped > 20  # pages did show the probe — as text
