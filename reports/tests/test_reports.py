"""Reports on a constructed dataset, checked against figures computed by hand; who may read
which territory; no student identity in any page or export; constant query counts."""

import datetime
import html as htmllib
import io
import zipfile
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from aesh.tests.factories import AeshFactory, AmendmentFactory, ContractFactory, TrainingFactory
from eleves.models import AccessLog, Ulis
from eleves.tests.factories import NotificationFactory, StudentFactory
from hours.tests.factories import TimesheetFactory
from missions.models import Assignment, AssignmentKind, TimeSlot
from pial import figures
from pial.models import SchoolYear
from pial.scope import Scope
from pial.tests.helpers import count_queries
from reports import snapshots
from reports.models import WeeklyFigure
from reports.report import HIDDEN_LABEL, build, cell, coverage_of
from reports.tests.audit import audit

D, T = datetime.date, datetime.time
DAY = D(2026, 11, 25)
RENTREE = D(2026, 9, 1)


@pytest.fixture(autouse=True)
def _pinned_now():
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC), tick=False):
        yield


def _placed(aesh, student, kind, hours_per_slot, school=None):
    assignment = Assignment.objects.create(aesh=aesh, student=student, kind=kind, start_date=D(2026, 9, 1),
                                           end_date=D(2027, 7, 3))
    for weekday, hours in enumerate(hours_per_slot):
        slot = TimeSlot.objects.create(aesh=aesh, weekday=weekday, start_time=T(8, 0),
                                       end_time=T(8 + hours, 0), school=school or student.school,
                                       valid_from=D(2026, 9, 1))
        slot.assignments.set([assignment])
    return assignment


@pytest.fixture
def dataset(world):
    """Circonscription A (pôle A, schools a0–a2) and B (pôle B), by hand:

    a0: Zébulon  individuelle 12 h, placed 15 h (capped at 12) · Quasimodo individuelle 6 h, placed 3 h
        (partial, since 1/10) · Ophélie individuelle 9 h from 1/06, no AESH (waiting since the rentrée)
    a1: Prosper mutualisée, assigned · Bérénice individuelle 6 h from 1/11, no AESH
    a2: Anatole individuelle 10 h, placed 10 h, in the ULIS
    not counted: a student who left, a notification that ended; pôle B: Céleste individuelle, waiting.
    """
    SchoolYear.objects.create(name="2026-2027", start_date=D(2026, 9, 1), end_date=D(2027, 7, 3), is_current=True)
    a0, a1, a2 = world.schools_a
    lea = AeshFactory(home_pole=world.pole_a, training_due_date=D(2027, 7, 1))
    ContractFactory(aesh=lea, weekly_hours=Decimal(39), contractual_quotite=Decimal(62))
    max_ = AeshFactory(home_pole=world.pole_a)
    contract = ContractFactory(aesh=max_, start_date=D(2024, 2, 1), end_date=D(2027, 1, 31),
                               weekly_hours=Decimal(20), contractual_quotite=Decimal(52),
                               referent_quotite=Decimal("0.25"))
    AmendmentFactory(contract=contract, proposed_on=D(2026, 9, 10), effective_date=D(2026, 10, 1),
                     state="ACCEPTED", answered_on=D(2026, 9, 20), weekly_hours=Decimal(22),
                     contractual_quotite=Decimal(57))
    late = AeshFactory(home_pole=world.pole_a, training_due_date=D(2026, 10, 1))
    ContractFactory(aesh=late, weekly_hours=Decimal(24), contractual_quotite=Decimal(62))
    TrainingFactory(aesh=late, hours=Decimal(6))
    gone = AeshFactory(home_pole=world.pole_a)
    ContractFactory(aesh=gone, start_date=D(2023, 9, 1), end_date=D(2026, 8, 31))
    other = AeshFactory(home_pole=world.pole_b)
    ContractFactory(aesh=other)

    def student(first, school, kind="INDIVIDUELLE", hours=None, start=RENTREE, **extra):
        student = StudentFactory(first_name=first, last_name=first.upper() + "NOM", school=school,
                                 ine="123456789AB" if first == "Zébulon" else "", **extra)
        NotificationFactory(student=student, aid_kind=kind, weekly_hours=hours, start_date=start,
                            end_date=D(2027, 8, 31))
        return student

    zebulon = student("Zébulon", a0, hours=Decimal(12), birth_date=D(2015, 4, 17))
    _placed(lea, zebulon, AssignmentKind.INDIVIDUELLE, [3, 3, 3, 3, 3])
    quasimodo = student("Quasimodo", a0, hours=Decimal(6), start=D(2026, 10, 1))
    _placed(max_, quasimodo, AssignmentKind.INDIVIDUELLE, [3])
    student("Ophélie", a0, hours=Decimal(9), start=D(2026, 6, 1))
    prosper = student("Prosper", a1, kind="MUTUALISEE")
    Assignment.objects.create(aesh=lea, student=prosper, kind=AssignmentKind.MUTUALISEE, start_date=D(2026, 9, 1))
    student("Bérénice", a1, hours=Decimal(6), start=D(2026, 11, 1))
    ulis = Ulis.objects.create(school=a2, name="ULIS école")
    anatole = student("Anatole", a2, hours=Decimal(10), ulis=ulis)
    _placed(late, anatole, AssignmentKind.INDIVIDUELLE, [5, 5])
    student("Parti", a0, hours=Decimal(6), left_on=D(2026, 10, 15))
    ended = StudentFactory(first_name="Fini", school=a0)
    NotificationFactory(student=ended, start_date=D(2025, 9, 1), end_date=D(2026, 8, 31))
    student("Céleste", world.schools_b[0], hours=Decimal(6))
    TimesheetFactory(aesh=lea, submitted=True, connexe_minutes=90, training_minutes=60)
    TimesheetFactory(aesh=max_, connexe_minutes=30)
    return {"lea": lea, "max": max_, "late": late}


def inspector_scope(world):
    return next(m for m in world.users["inspector_a"].memberships.all())


def values(table, label):
    row = next(r for r in table.all_rows if r.label == label)
    return {c.key: cell(row, c).text for c in table.columns}


def test_circonscription_figures_match_the_hand_computation(dataset, world):
    report = build(Scope.of(inspector_scope(world)), DAY)
    assert report.level == "circonscription" and report.title == "Rapport de circonscription"
    total = report.main.total.values
    assert (total["students"], total["individuelle"], total["mutualisee"], total["ulis"]) == (6, 5, 1, 1)
    assert total["notified_minutes"] == (12 + 6 + 9 + 6 + 10) * 60
    assert total["placed_minutes"] == (12 + 3 + 0 + 0 + 10) * 60      # Zébulon's 15 h count for 12
    assert coverage_of(total) == 58                                      # 25 / 43
    assert (total["waiting"], total["waiting_none"], total["waiting_partial"]) == (3, 2, 1)
    # Waiting since 1/09 (Ophélie, notified before the rentrée), 1/10 (Quasimodo), 1/11 (Bérénice).
    assert total["waiting_median_days"] == 55 and total["waiting_longest_days"] == 85
    aesh = report.aesh_table.total.values
    assert aesh["headcount"] == 3                                        # the ended contract is not counted
    assert aesh["etp"] == Decimal("1.81")                                # (62 + 57 amended + 62) / 100
    assert (aesh["referents"], aesh["referent_etp"]) == (1, Decimal("0.25"))
    assert aesh["ending"] == 1                                           # 31/01/2027 is within 3 months
    assert (aesh["training_late"], aesh["training_on_track"]) == (1, 1)
    assert aesh["available_minutes"] == (39 + 22 + 24) * 60              # 22 h since the avenant
    assert aesh["placed_minutes"] == (15 + 3 + 10) * 60
    assert aesh["connexe_minutes"] == 150                                # the draft's 30 min are not declared
    assert aesh["placed_etp"] == Decimal("1.81") * 28 / 85


def test_small_counts_are_hidden_under_one_label_and_cannot_be_subtracted(dataset, world, settings):
    settings.PIAL = {**settings.PIAL, "REPORT_SCHOOL_MIN_STUDENTS": 1}  # every school on its own row
    report = build(Scope.of(inspector_scope(world)), DAY)
    by_school = report.student_tables[1]
    a0, a1, a2 = (values(by_school, s.name) for s in world.schools_a)
    assert a0["waiting"] == HIDDEN_LABEL                                    # 2 waiting
    assert a1["students"] == HIDDEN_LABEL and a2["students"] == HIDDEN_LABEL   # 2 and 1 students
    assert a2["coverage"] == HIDDEN_LABEL                                   # one student's coverage would be theirs
    texts = {cell(row, c).text for table in report.student_tables for row in table.all_rows for c in table.columns}
    assert "< 3" not in texts and HIDDEN_LABEL in texts                     # one label, whatever the reason
    assert audit(Scope.of(inspector_scope(world)), DAY).findings == []      # nothing can be narrowed


def test_the_inspector_reads_their_circonscription_only(client_as, dataset, world):
    client = client_as("inspector_a")
    page = htmllib.unescape(client.get(reverse("reports:report")).content.decode())
    assert "Rapport de circonscription" in page and "Circonscription Rennes Nord" in page
    assert "PIAL Bêta" not in page
    circ_b = world.pole_b.circonscription
    assert client.get(reverse("reports:report") + f"?circonscription={circ_b.pk}").status_code == 404
    assert client.get(reverse("reports:report") + f"?pole={world.pole_b.pk}").status_code == 404
    assert client.get(reverse("reports:export", args=["xlsx"]) + f"?pole={world.pole_b.pk}").status_code == 404
    assert client.get(reverse("reports:report") + f"?pole={world.pole_a.pk}").status_code == 200
    assert client.get(reverse("reports:report") + "?pole=abc&date=nope").status_code == 404


@pytest.mark.parametrize(("who", "status", "title"), [
    ("inspector_a", 200, "Rapport de circonscription"), ("gestionnaire", 200, "Rapport départemental"),
    ("coordinator_a", 200, "Tableau de bord du pôle"), ("pilot_a", 200, "Tableau de bord du pôle"),
    ("admin", 200, "Rapport national"), ("aesh_a", 403, ""), ("referent_a", 403, ""), ("norole", 403, ""),
    ("gestionnaire_other", 200, "Rapport départemental"),
])
def test_who_reads_a_report(client_as, dataset, who, status, title):
    response = client_as(who).get(reverse("reports:report"))
    assert response.status_code == status
    if status == 200:
        assert title in response.content.decode()
    assert client_as(who).get(reverse("reports:export", args=["csv"])).status_code == status


def test_a_gestionnaire_drills_into_their_departement_only(client_as, dataset, world):
    circ_a = world.pole_a.circonscription
    assert client_as("gestionnaire").get(reverse("reports:report") + f"?circonscription={circ_a.pk}").status_code == 200
    assert client_as("gestionnaire_other").get(
        reverse("reports:report") + f"?circonscription={circ_a.pk}").status_code == 404
    page = client_as("gestionnaire_other").get(reverse("reports:report")).content.decode()
    assert "Rennes Nord" not in page


def test_a_coordinator_opens_no_territory_above_their_pole(client_as, dataset, world):
    client = client_as("coordinator_a")
    circ_a = world.pole_a.circonscription
    assert client.get(reverse("reports:report") + f"?circonscription={circ_a.pk}").status_code == 404
    assert client.get(reverse("reports:report") + f"?departement={world.pole_a.departement_id}").status_code == 404
    assert client.get(reverse("reports:report") + f"?pole={world.pole_b.pk}").status_code == 404
    assert client_as("inspector_a").get(
        reverse("reports:report") + f"?circonscription={circ_a.pk}").status_code == 404  # not below their level


def test_reading_a_report_is_journaled(client_as, dataset):
    client_as("inspector_a").get(reverse("reports:report"))
    line = AccessLog.objects.get(user_email="inspector_a@ac-test.fr")
    assert line.student is None and "rapport de circonscription" in line.detail


# --- No student identity anywhere; exports hold the page's numbers ---------------------------------------

IDENTITY = ["Zébulon", "ZÉBULON", "Quasimodo", "QUASIMODO", "Ophélie", "Bérénice", "Anatole", "123456789AB",
            "17/04/2015", "2015-04-17"]


def _texts(content: bytes, fmt: str) -> str:
    if fmt in ("xlsx", "ods"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    if fmt == "pdf":
        from pypdf import PdfReader

        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8-sig")


@pytest.mark.parametrize("who", ["inspector_a", "coordinator_a", "gestionnaire", "admin"])
def test_no_student_identity_in_any_report_page_or_export(client_as, dataset, who):
    client = client_as(who)
    outputs = {"page": client.get(reverse("reports:report")).content}
    for fmt in ("xlsx", "ods", "csv", "pdf"):
        outputs[fmt] = client.get(reverse("reports:export", args=[fmt])).content
    for fmt, content in outputs.items():
        readable = _texts(content, fmt) if fmt != "page" else content.decode()
        for identity in IDENTITY:
            assert identity not in readable, (who, fmt, identity)
            assert identity.encode() not in content, (who, fmt, identity)


def test_exports_open_and_hold_the_numbers_of_the_page(client_as, dataset, world):
    from odf.opendocument import load
    from odf.table import Table
    from openpyxl import load_workbook

    client = client_as("inspector_a")
    report = build(Scope.of(inspector_scope(world)), DAY)
    expected_total = ["Total", *[cell(report.main.total, c).value for c in report.main.columns]]
    page = htmllib.unescape(client.get(reverse("reports:report")).content.decode())
    for c in report.main.columns:
        assert cell(report.main.total, c).text in page

    book = load_workbook(io.BytesIO(client.get(reverse("reports:export", args=["xlsx"])).content))
    assert book.sheetnames[:2] == ["Élèves — par pôle", "Élèves — par établissement"]
    rows = list(book["Élèves — par pôle"].iter_rows(values_only=True))
    assert list(rows[-1]) == expected_total
    for table in report.student_tables:  # every row of every table, hidden cells under the one label
        sheet = [list(r) for r in book[table.title].iter_rows(values_only=True)][1:]
        assert sheet == [[row.label, *[c.value for c in table.cells(row)]] for row in table.all_rows]
    assert HIDDEN_LABEL in str(rows) and "< 3" not in str(list(book.worksheets[1].iter_rows(values_only=True)))

    document = load(io.BytesIO(client.get(reverse("reports:export", args=["ods"])).content))
    assert len(document.spreadsheet.getElementsByType(Table)) == len(book.sheetnames)
    csv_text = client.get(reverse("reports:export", args=["csv"])).content.decode("utf-8-sig")
    cells = report.main.total_cells
    assert "\r\nTotal;" + ";".join([c.text for c in cells[:9]] + [str(cells[9].value)]) + ";" in csv_text
    pdf = _texts(client.get(reverse("reports:export", args=["pdf"])).content, "pdf")
    assert "Rapport de circonscription" in pdf and "58 %" in pdf and HIDDEN_LABEL in pdf


def test_formula_looking_names_are_neutralised_in_exports(client_as, dataset, world, settings):
    settings.PIAL = {**settings.PIAL, "REPORT_SCHOOL_MIN_STUDENTS": 1}  # every school on a row of its own
    school = world.schools_a[0]
    school.name = "=HYPERLINK(\"http://x\")"
    school.save()
    csv_text = client_as("inspector_a").get(reverse("reports:export", args=["csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "\n=HYPERLINK" not in csv_text


# --- Scale: the number of queries does not grow -----------------------------------------------------------

def _more_students(world, count):
    for index in range(count):
        student = StudentFactory(school=world.schools_a[index % 3], first_name=f"Élève{index}")
        NotificationFactory(student=student, start_date=D(2026, 9, 1), end_date=D(2027, 8, 31),
                            weekly_hours=Decimal(6))
        aesh = AeshFactory(home_pole=world.pole_a)
        ContractFactory(aesh=aesh)
        _placed(aesh, student, AssignmentKind.INDIVIDUELLE, [2])


def _computed(client, url):
    """The page read afresh: its cached body (reports.page_cache) outdated, as by a write."""
    figures.renew([figures.REPORTS])
    return client.get(url)


@pytest.mark.parametrize("who", ["inspector_a", "coordinator_a", "gestionnaire", "admin"])
def test_report_queries_do_not_grow_with_data(client_as, dataset, world, who):
    client = client_as(who)
    url = reverse("reports:report")
    client.get(url)
    small = count_queries(lambda: _computed(client, url))
    cached = count_queries(lambda: client.get(url))
    _more_students(world, 30)
    snapshots.store(DAY)
    # On PostgreSQL the weeks are found in the cache by their digest; a week whose figures changed
    # is read once more, school by school: one statement more on that request, whatever the data.
    changed = count_queries(lambda: client.get(url))  # the writes outdated the cached body
    assert count_queries(lambda: _computed(client, url)) == small and small <= changed <= small + 1
    # A body from the cache: the session, the journal, nothing of the report's figures.
    assert count_queries(lambda: client.get(url)) == cached < small


# --- The page's body from the cache (reports.page_cache) --------------------------------------------------

def _main(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index("<main"):page.index("</main>")]


def _recourse(world, dataset):
    from recourse.models import Recourse

    Recourse.objects.create(aesh=dataset["lea"], school=world.schools_a[0], circonscription=world.pole_a.circonscription,
                            category="OTHER", subject="Emploi du temps", text="Bonjour")


def _rename(world, dataset):
    circonscription = world.pole_a.circonscription
    circonscription.name = "Rennes Centre"
    circonscription.save()


WRITES = {
    # a table the dashboard watches too, written outside any service (GLOBAL)
    "a waiting pupil": lambda world, dataset: NotificationFactory(
        student=StudentFactory(school=world.schools_a[1], first_name="Nouvelle"), aid_kind="INDIVIDUELLE",
        weekly_hours=Decimal(6), start_date=D(2026, 9, 1), end_date=D(2027, 8, 31)),
    # tables only reports read (REPORTS): trainings, declared hours, recourses, the territories
    "a training": lambda world, dataset: TrainingFactory(aesh=dataset["late"], hours=Decimal(60)),
    "declared hours": lambda world, dataset: TimesheetFactory(aesh=dataset["late"], submitted=True,
                                                              connexe_minutes=45, week_start=D(2026, 11, 16)),
    "a recourse": _recourse,
    "a circonscription renamed": _rename,
}


@pytest.mark.parametrize("write", WRITES)
def test_a_write_changes_the_next_report(client_as, dataset, world, write):
    client = client_as("inspector_a")
    url = reverse("reports:report")
    before = _main(client.get(url))
    assert _main(client.get(url)) == before  # from the cache now
    WRITES[write](world, dataset)
    after = _main(client.get(url))
    assert after != before and after == _main(_computed(client, url))


def test_a_cached_body_is_the_computed_one_for_its_reader_day_and_part(client_as, dataset, world):
    url = reverse("reports:report")
    asked = [("inspector_a", ""), ("coordinator_a", ""), ("gestionnaire", ""), ("admin", ""),
             ("inspector_a", "?date=2026-10-05"), ("inspector_a", f"?pole={world.pole_a.pk}"),
             ("gestionnaire", f"?circonscription={world.pole_a.circonscription_id}"),
             ("inspector_a", "?annee=2025-2026"), ("inspector_a", "?annee=2031-2032")]  # unknown years, named
    computed = {(who, query): _main(_computed(client_as(who), url + query)) for who, query in asked}
    assert len(set(computed.values())) == len(asked)  # every reader, day and part its own body
    for (who, query), body in computed.items():
        client = client_as(who)
        reads = AccessLog.objects.filter(user_email=f"{who}@ac-test.fr").count()
        assert _main(client.get(url + query)) == body
        assert AccessLog.objects.filter(user_email=f"{who}@ac-test.fr").count() == reads + 1  # journaled


def test_a_cached_body_is_read_on_its_day_only(client_as, dataset, world):
    client = client_as("inspector_a")
    url = reverse("reports:report")
    today = _main(client.get(url))
    with time_machine.travel(datetime.datetime(2026, 11, 26, 10, tzinfo=datetime.UTC), tick=False):
        client = client_as("inspector_a")  # a new day, a new session
        tomorrow = _main(client.get(url))
        assert tomorrow != today and tomorrow == _main(_computed(client, url))


def test_nothing_is_cached_when_reports_may_read_on_a_replica(dataset, world, monkeypatch):
    from reports import db, page_cache

    scope = Scope.of(inspector_scope(world))
    assert page_cache.page_key(scope, DAY) is not None
    monkeypatch.setattr(db, "primary_only", lambda: False)
    assert page_cache.page_key(scope, DAY) is None


def test_a_release_that_changes_the_body_reads_none_of_the_bodies_before(dataset, world, monkeypatch):
    from reports import page_cache

    scope = Scope.of(inspector_scope(world))
    before = page_cache.page_key(scope, DAY)
    assert page_cache.page_key(scope, DAY) == before and len(page_cache.code_version()) == 16
    monkeypatch.setattr(page_cache, "code_version", lambda: "another release")
    assert page_cache.page_key(scope, DAY) != before


# --- Weekly figures ---------------------------------------------------------------------------------------

def test_weekly_figures_are_stored_once_per_week_and_feed_the_evolution(dataset, world, capsys):
    call_command("report_snapshots", "--since", "2026-11-02")
    assert not WeeklyFigure.objects.exists()  # a dry run
    call_command("report_snapshots", "--since", "2026-11-02", "--wet-run")
    call_command("report_snapshots", "--since", "2026-11-16", "--wet-run")  # again: replaced, not doubled
    weeks = sorted(set(WeeklyFigure.objects.values_list("week_start", flat=True)))
    assert weeks == [D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16), D(2026, 11, 23)]
    a0 = WeeklyFigure.objects.get(week_start=D(2026, 11, 23), school=world.schools_a[0])
    assert (a0.students, a0.individuelle, a0.notified_minutes, a0.placed_minutes, a0.waiting, a0.waiting_none,
            a0.waiting_partial) == (3, 3, 27 * 60, 15 * 60, 2, 1, 1)
    # The week of the day (stored on Wednesday 25/11, the day itself) shows what the day's report shows.
    report = build(Scope.of(inspector_scope(world)), DAY)
    assert len(report.evolution) == 4
    last = report.evolution[-1]
    assert last["waiting"] == (None if report.summary.is_hidden("waiting") else report.summary.values["waiting"])
    assert last["coverage"] == (None if report.summary.is_hidden("coverage") else coverage_of(report.summary.values))
    assert "Semaine du 23/11/2026" in capsys.readouterr().out


def test_charts_are_described_for_screen_readers(client_as, dataset):
    page = client_as("inspector_a").get(reverse("reports:report")).content.decode()
    assert page.count('<svg class="pial-chart"') == 2 and page.count("<desc id=") == 2  # no weekly figures yet
    snapshots.store(DAY)
    page = client_as("inspector_a").get(reverse("reports:report")).content.decode()
    assert page.count('<svg class="pial-chart"') == 3 and page.count("<desc id=") == 3
    assert "<script" not in page.split("<main")[1].split("</main>")[0]


def test_the_report_sql_agrees_with_the_coverage_selector(dataset, world):
    """The report's SQL and missions.selectors.with_coverage say the same of the same students."""
    from missions import selectors as coverage

    scope = Scope.of(world.users["coordinator_a"].memberships.get())
    total = build(scope, DAY).main.total.values
    students = list(coverage.coverage(scope, DAY))
    individual = [s for s in students if s.aid_kind_now == "INDIVIDUELLE"]
    assert total["students"] == len(students) == 6
    assert total["waiting"] == coverage.waiting_list(scope, DAY).count() == 3
    assert total["notified_minutes"] == sum(int(s.notified_minutes) for s in individual)
    assert total["placed_minutes"] == sum(min(s.assured_minutes, int(s.notified_minutes)) for s in individual)


def test_the_report_sql_agrees_with_the_current_terms_selector(dataset, world):
    """The report's SQL and aesh.selectors.with_current_terms say the same of the same AESH."""
    from aesh.models import Aesh
    from aesh.selectors import with_current_quotite, with_current_terms
    from pial.models import Pole

    scope = Scope.of(inspector_scope(world))
    total = build(scope, DAY).aesh_table.total.values
    counted = Aesh.objects.filter(home_pole__in=Pole.objects.visible_to(scope))
    people = list(with_current_quotite(with_current_terms(counted, DAY), DAY)
                  .filter(contract_id_now__isnull=False))
    assert total["headcount"] == len(people)
    assert total["quotite_sum"] == sum(a.quotite_now for a in people)
    assert total["available_minutes"] == sum(a.weekly_hours_now * 60 for a in people)
    assert total["referent_etp"] == sum(a.referent_now for a in people)


@pytest.mark.parametrize("who", ["coordinator_a", "pilot_a", "inspector_a", "gestionnaire", "national"])
def test_the_aesh_statement_counts_the_poles_the_scope_sees(dataset, world, who):
    """The AESH statement reads a scope's pôles without Pole.visible_to's query (a pôle's own, a
    circonscription's from two indexes, every one nationally): the same pôles, including a pôle
    of another circonscription holding one of its schools and one of its own without a school."""
    from aesh.models import Aesh
    from pial.models import Pole
    from pial.tests.factories import PoleFactory, SchoolFactory
    from reports import selectors

    circ_a, circ_b = world.pole_a.circonscription, world.pole_b.circonscription
    across = PoleFactory(name="PIAL Gamma", departement=world.pole_a.departement, circonscription=circ_b)
    SchoolFactory(pole=across, circonscription=circ_a, name="École Gamma")
    empty = PoleFactory(name="PIAL Delta", departement=world.pole_a.departement, circonscription=circ_a)
    for pole in (across, empty):
        ContractFactory(aesh=AeshFactory(home_pole=pole))
    scope = Scope.national() if who == "national" else Scope.of(world.users[who].memberships.get())
    found = selectors.aesh_figures(scope, selectors.Period.around(DAY), "home_pole")
    under_contract = {a.home_pole_id for a in Aesh.objects.filter(
        home_pole__in=Pole.objects.visible_to(scope), contracts__start_date__lte=DAY).exclude(
        contracts__end_date__lt=DAY)}
    assert set(found.rows) == under_contract and found.total["headcount"] == sum(
        r["headcount"] for r in found.rows.values())
    if who == "inspector_a":
        assert {across.pk, empty.pk} <= set(found.rows) and world.pole_b.pk not in found.rows
    assert found.names == {pk: Pole.objects.get(pk=pk).name for pk in found.rows}
