"""The week page's fields written in Python (hours.markup) are Django's widgets' markup, and a
look at a week never opened shows what its opening would create, writing nothing."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest

from aesh.enums import AbsenceReason
from aesh.models import Absence
from hours import markup, services
from hours.enums import Attendance, EntryKind
from hours.forms import AddEntryForm, WeekForm
from hours.models import TimeEntry, Timesheet
from hours.tests.test_hours import WEEK_B, _pinned_now, crew, week_url  # noqa: F401  (fixtures)
from pial import figures
from pial.tests.helpers import count_queries

D = datetime.date


class _Tokens(HTMLParser):
    """Tags with their attributes sorted, and text with its spaces collapsed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found.append(f"<{tag} {sorted(attrs)}>")

    def handle_endtag(self, tag):
        self.found.append(f"</{tag}>")

    def handle_data(self, data):
        if text := " ".join(data.split()):
            self.found.append(text)


def tokens(html: str) -> list[str]:
    parser = _Tokens()
    parser.feed(str(html))
    return parser.found


@pytest.mark.parametrize("bound", [False, True])
def test_each_field_of_the_week_is_written_as_its_widget_would(crew, bound):  # noqa: F811
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    entries = list(sheet.entries.all())
    slot = entries[0]
    data = None
    if bound:  # typed values, refused: aria-invalid and aria-describedby follow the errors
        data = {"version": "0", "comment": "<b>RAS</b> & co", f"slot-{slot.pk}-attendance": Attendance.AESH_ABSENT,
                f"slot-{slot.pk}-minutes": "zz", f"slot-{slot.pk}-reason": "", "connexe-PREPARATION": "1 h 30",
                "connexe-ESS": "abc"}
    form = WeekForm(data, timesheet=sheet, entries=entries)
    if bound:
        assert not form.is_valid()
        assert form[f"slot-{slot.pk}-minutes"].errors and form[f"slot-{slot.pk}-reason"].errors
    fields = form.slot_fields(slot)
    for bound_field in [fields["minutes"], fields["reason"], *form.connexe_fields(), form["comment"],
                        form["version"], form["keys"]]:
        rendered = markup.select_tag(bound_field) if bound_field.name.endswith("reason") else (
            markup.textarea_tag(bound_field) if bound_field.name == "comment" else markup.input_tag(bound_field))
        assert tokens(rendered) == tokens(str(bound_field)), bound_field.name
    radios = tokens(markup.radio_elements(fields["attendance"]))
    for radio in fields["attendance"]:  # each input and its label, as Django writes them
        assert tokens(radio.tag())[0] in radios
        assert f"<label {sorted([('class', 'fr-label'), ('for', radio.id_for_label)])}>" in radios
    checked = [t for t in radios if "('checked', None)" in t]
    assert len(checked) == 1 and (Attendance.AESH_ABSENT if bound else Attendance.DONE) in checked[0]


def test_each_week_form_has_fields_of_its_own():
    """WeekForm copies its lines' fields from prototypes (hours.forms._fresh): each form's fields,
    widgets and widget attributes are its own, and a form's errors are not another's."""
    sheet = Timesheet(pk=1, week_start=WEEK_B, version=0)
    entries = [TimeEntry(pk=7, kind=EntryKind.SLOT, day=WEEK_B, attendance=Attendance.DONE, minutes=180,
                         planned_minutes=180, start_time=datetime.time(8, 30), end_time=datetime.time(11, 30))]
    one, two = (WeekForm(timesheet=sheet, entries=entries) for _ in range(2))
    for name, field in one.fields.items():
        other = two.fields[name]
        assert field is not other and field.widget is not other.widget and field.widget.attrs is not other.widget.attrs
        assert field.error_messages is not other.error_messages
    one.fields["slot-7-minutes"].widget.attrs["data-x"] = "1"
    assert "data-x" not in two.fields["slot-7-minutes"].widget.attrs
    refused = WeekForm({"version": "0", "slot-7-attendance": "DONE", "slot-7-minutes": "beaucoup",
                        "connexe-PREPARATION": "-1"}, timesheet=sheet, entries=entries)
    assert not refused.is_valid() and set(refused.errors) == {"slot-7-minutes", "connexe-PREPARATION"}
    fine = WeekForm({"version": "0", "slot-7-attendance": "DONE", "slot-7-minutes": "2 h"}, timesheet=sheet,
                    entries=entries)
    assert fine.is_valid() and fine.slot_answers()[7].minutes == 120 and 'aria-invalid' not in markup.input_tag(
        fine["slot-7-minutes"])


def test_the_add_form_is_written_as_crispy_dsfr_writes_it(crew):  # noqa: F811
    from crispy_forms.utils import render_crispy_form

    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    for data in (None, {"kind": EntryKind.TRAINING, "day": "2026-11-17", "duration": "", "label": "", "token": "t"}):
        form = AddEntryForm(data, timesheet=sheet)
        if data:
            assert not form.is_valid()
        crispy = tokens(render_crispy_form(form))
        for bound_field in form.visible_fields():
            ours = tokens(markup.field_group(bound_field))  # the whole group, in crispy's page
            assert any(crispy[i:i + len(ours)] == ours for i in range(len(crispy))), bound_field.name


def test_a_look_at_a_week_never_opened_shows_what_opening_it_creates(client_as, crew):  # noqa: F811
    """services.timesheet_preview is the pre-fill of timesheet_open, written nowhere."""
    Absence.objects.create(aesh=crew["lea"], start_date=D(2026, 11, 17), end_date=D(2026, 11, 17),
                           reason=AbsenceReason.TRAINING)
    preview, lines = services.timesheet_preview(aesh=crew["lea"], monday=WEEK_B)
    assert preview.pk is None and not Timesheet.objects.exists() and not TimeEntry.objects.exists()
    opened = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)

    def shape(entries):
        return [(e.kind, e.day, e.slot_id, e.start_time, e.end_time, e.school_id, e.planned_minutes, e.minutes,
                 e.attendance, e.absence_reason) for e in entries]

    assert shape(lines) == shape(opened.entries.all())
    assert preview.totals == opened.totals and preview.main_school_id == opened.main_school_id
    assert any(e.attendance == Attendance.AESH_ABSENT for e in lines)


def test_the_page_of_a_week_never_opened_is_the_page_of_the_week_opened(client_as, crew):  # noqa: F811
    """Same lines, fields and figures before and after opening (only the lines' names differ:
    by day and slot before, by id after)."""
    client = client_as("aesh_a")
    fresh = client.get(week_url(WEEK_B)).content.decode()
    sheet = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    opened = client.get(week_url(WEEK_B)).content.decode()
    for entry in sheet.entries.all():
        fresh = fresh.replace(f"{entry.day:%Y%m%d}-{entry.slot_id}", str(entry.pk))
    fresh = fresh.replace('name="keys" value="occurrence"', 'name="keys"')
    ignore = ("csrfmiddlewaretoken", "'id_token'", "nonce")
    assert [t for t in tokens(fresh) if not any(i in t for i in ignore)] == \
           [t for t in tokens(opened) if not any(i in t for i in ignore)]


def test_the_week_page_reads_as_many_queries_whatever_its_lines(client_as, crew):  # noqa: F811
    """A week never opened and a week opened: constant queries as the timetable grows."""
    from missions.models import TimeSlot

    client = client_as("aesh_a")
    earlier = WEEK_B - datetime.timedelta(weeks=1)
    services.timesheet_open(aesh=crew["lea"], monday=earlier)
    client.get(week_url(WEEK_B))
    figures.renew([figures.GLOBAL])  # a week never opened is kept between GETs (hours.views._preview)
    fresh_small = count_queries(lambda: client.get(week_url(WEEK_B)))
    kept_small = count_queries(lambda: client.get(week_url(WEEK_B)))
    assert kept_small < fresh_small
    opened_small = count_queries(lambda: client.get(week_url(earlier)))
    template = TimeSlot.objects.filter(aesh=crew["lea"]).first()
    for weekday in range(5):  # afternoon slots for the same student
        extra = TimeSlot.objects.create(aesh=crew["lea"], weekday=weekday, start_time=datetime.time(13, 30),
                                        end_time=datetime.time(15), school=template.school,
                                        valid_from=D(2026, 8, 31))
        extra.assignments.set(template.assignments.all())
    assert count_queries(lambda: client.get(week_url(WEEK_B))) == fresh_small  # the slots created: read again
    assert count_queries(lambda: client.get(week_url(WEEK_B))) == kept_small
    opened = services.timesheet_open(aesh=crew["lea"], monday=WEEK_B)
    assert opened.entries.count() > Timesheet.objects.get(week_start=earlier).entries.count()
    assert count_queries(lambda: client.get(week_url(WEEK_B))) == opened_small


def test_the_page_of_a_week_never_opened_shows_an_absence_period(client_as, crew):  # noqa: F811
    """The page knows from the AESH's read whether an absence period touches the week; with one,
    its days come « J'étais absent·e » with the motif, as the opening would save them."""
    client = client_as("aesh_a")
    tuesday = f"slot-{D(2026, 11, 17):%Y%m%d}"

    def tuesday_checked():
        page = client.get(week_url(WEEK_B)).content.decode()
        checked = [t for t in tokens(page) if "('checked', None)" in t and tuesday in t]
        assert len(checked) == 1
        return checked[0], page

    assert Attendance.DONE in tuesday_checked()[0]
    Absence.objects.create(aesh=crew["lea"], start_date=D(2026, 11, 17), end_date=D(2026, 11, 17),
                           reason=AbsenceReason.TRAINING)
    checked, page = tuesday_checked()
    assert Attendance.AESH_ABSENT in checked and '<option value="TRAINING" selected>' in page
    assert not Timesheet.objects.exists()


def test_ulis_lines_are_named_with_their_school_in_as_many_queries(client_as, crew, world):  # noqa: F811
    """A collective aid's line names its ULIS and school; more ULIS lines, not more queries."""
    from eleves.models import Ulis
    from missions.models import Assignment, AssignmentKind, TimeSlot

    client = client_as("aesh_a")

    def ulis_slot(weekday, name):
        ulis = Ulis.objects.create(school=world.schools_a[1], name=name)
        assignment = Assignment.objects.create(aesh=crew["lea"], ulis=ulis, kind=AssignmentKind.COLLECTIVE,
                                               start_date=D(2025, 9, 1))
        slot = TimeSlot.objects.create(aesh=crew["lea"], weekday=weekday, start_time=datetime.time(14),
                                       end_time=datetime.time(16), school=ulis.school, valid_from=D(2026, 8, 31))
        slot.assignments.set([assignment])

    ulis_slot(0, "ULIS Lune")
    client.get(week_url(WEEK_B))
    one = count_queries(lambda: client.get(week_url(WEEK_B)))
    ulis_slot(1, "ULIS Soleil")
    ulis_slot(2, "ULIS Étoile")
    page = client.get(week_url(WEEK_B)).content.decode()
    assert count_queries(lambda: client.get(week_url(WEEK_B))) == one
    for name in ("ULIS Lune", "ULIS Soleil", "ULIS Étoile"):
        assert f"{name} — {world.schools_a[1].name}" in page
