"""The validation queue's filters and rows (hours/queue.html) written by hours.queue_markup: the
very bytes the template's loops wrote (queue_before.html), escaped."""

import datetime
from pathlib import Path

from django.template import engines

from aesh.models import Aesh
from hours import queue_markup
from hours.enums import TimesheetState
from hours.models import Timesheet
from pial.models import School

BEFORE = engines["django"].from_string((Path(__file__).parent / "queue_before.html").read_text().removesuffix("\n"))
ZERO = dict.fromkeys(["planned_minutes", "accompaniment_minutes", "travel_minutes", "extra_minutes",
                      "absence_minutes", "unexplained_minutes", "connexe_minutes", "training_minutes"], 0)


def _sheet(pk, school, state, unfinished=False, **minutes):
    sheet = Timesheet(pk=pk, aesh_id=pk, week_start=datetime.date(2026, 11, 2) + datetime.timedelta(weeks=pk),
                      state=state, main_school_id=school.pk if school else None, **{**ZERO, **minutes})
    sheet.aesh = Aesh(pk=pk, first_name="Zoé <b>", last_name="d'Arc & fils")
    sheet.main_school = school
    sheet.unfinished = unfinished
    return sheet


def _sheets():
    alpha = School(pk=3, name="École « Alpha » & <Bêta>")
    beta = School(pk=7, name="Collège O'Neill")
    return [
        _sheet(1, alpha, TimesheetState.SUBMITTED, planned_minutes=600, accompaniment_minutes=600),
        _sheet(2, alpha, TimesheetState.SUBMITTED, unfinished=True, planned_minutes=600, accompaniment_minutes=540,
               travel_minutes=60),
        _sheet(3, alpha, TimesheetState.SUBMITTED, planned_minutes=600, accompaniment_minutes=420,
               unexplained_minutes=120, absence_minutes=60, connexe_minutes=45),
        _sheet(4, beta, TimesheetState.VALIDATED, planned_minutes=300, accompaniment_minutes=300, training_minutes=90),
        _sheet(5, beta, TimesheetState.RETURNED, unfinished=True, planned_minutes=300, accompaniment_minutes=200,
               extra_minutes=30),
        _sheet(6, None, TimesheetState.DRAFT),
        _sheet(8, None, TimesheetState.SUBMITTED, unfinished=True),
        _sheet(9, alpha, TimesheetState.SUBMITTED, planned_minutes=60, accompaniment_minutes=60),
    ]


def test_the_rows_are_written_as_the_template_wrote_them():
    sheets = _sheets()
    for can_validate in (True, False):
        before = BEFORE.render({"page_obj": {"object_list": sheets}, "can_validate": can_validate})
        assert queue_markup.groups(sheets, can_validate) == before
    now = queue_markup.groups(sheets, True)
    assert "D&#x27;ARC &amp; FILS Zoé &lt;b&gt;" in now and "École « Alpha » &amp; &lt;Bêta&gt;" in now
    assert now.count("<tbody>") == 4 and "Sans établissement (aucun créneau prévu)" in now
    assert 'id="lot-1"' in now and 'id="lot-2"' not in now and 'id="lot-3"' not in now
    assert queue_markup.groups([], True) == BEFORE.render({"page_obj": {"object_list": []}, "can_validate": True})


def test_the_filters_are_written_as_the_template_wrote_them():
    states = {"": "Tous les états", **dict(TimesheetState.choices)}
    for state in ("", TimesheetState.SUBMITTED, "ZZ"):
        assert queue_markup.options(states.items(), state) == BEFORE.render(
            {"part": "states", "states": states, "state": state})
    schools = [School(pk=3, name="École « Alpha » & <Bêta>"), School(pk=12345, name="Collège O'Neill")]
    for school_id in (None, 3, 12345, 99):
        assert queue_markup.options([(s.pk, s.name) for s in schools], school_id) == BEFORE.render(
            {"part": "schools", "schools": schools, "school_id": school_id})
