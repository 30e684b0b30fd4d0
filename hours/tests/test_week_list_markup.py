"""The list of weeks (hours/_weeks.html, « Mes heures » and an AESH's hours page) written by the
`week_items` tag: the very bytes the template's loop wrote (weeks_before.html), escaped."""

import datetime
from pathlib import Path

from django.template import engines
from django.template.loader import get_template

from hours.enums import TimesheetState
from hours.models import Timesheet

BEFORE = engines["django"].from_string((Path(__file__).parent / "weeks_before.html").read_text())


def _weeks():
    monday = datetime.date(2026, 11, 30)
    sheets = [Timesheet(state=TimesheetState.DRAFT, accompaniment_minutes=0, connexe_minutes=0),
              Timesheet(state=TimesheetState.SUBMITTED, accompaniment_minutes=1050, connexe_minutes=95),
              Timesheet(state=TimesheetState.VALIDATED, accompaniment_minutes=60, connexe_minutes=0),
              Timesheet(state=TimesheetState.RETURNED, accompaniment_minutes=75, connexe_minutes=30)]
    weeks = [{"slug": f"2026-S{49 - i}", "label": f"semaine du {i} <déc.> & co", "sheet": sheet, "current": i == 0,
              "off": "", "url": f"/missions/heures/semaine/2026-S{49 - i}/?a=1&b=2"} for i, sheet in enumerate(sheets)]
    weeks.append({"slug": "x", "label": "semaine d'avant", "sheet": None, "current": False, "off": "Vacances <Noël>",
                  "url": ""})
    weeks.append({"slug": "y", "label": "semaine sans rien", "sheet": None, "current": False, "off": ""})
    return weeks, monday


def test_the_weeks_are_written_as_the_template_wrote_them():
    weeks, _ = _weeks()
    for own in (True, False):
        now = get_template("hours/_weeks.html").render({"weeks": weeks, "own": own})
        assert now == BEFORE.render({"weeks": weeks, "own": own})
    assert "&lt;déc.&gt; &amp; co" in now and "Vacances &lt;Noël&gt;" in now and "?a=1&amp;b=2" in now
    assert "Semaine du 0" in now and "(cette semaine)" in now and "17 h 30" in now and "Pas encore ouverte" in now


def test_no_week_is_written_as_the_template_wrote_it():
    assert get_template("hours/_weeks.html").render({"weeks": []}) == BEFORE.render({"weeks": []})
    assert "Aucune semaine pour le moment." in get_template("hours/_weeks.html").render({"weeks": []})
