"""Migration 0003: proposals stored before the rename read as the code names them now."""

import datetime
import importlib

import pytest
from django.apps import apps

from pial.tests.factories import PoleFactory
from planner.models import PlannerRun, RunState

migration = importlib.import_module("planner.migrations.0003_result_keys_students_aesh")
pytestmark = pytest.mark.django_db


def test_old_result_keys_are_renamed_and_back():
    old = {"units": {"7": {"pupils": [7, 8], "need": 60, "exclusive": True, "school": 1}},
           "workers": {"3": 1440}, "placements": []}
    run = PlannerRun.objects.create(pole=PoleFactory(), start_date=datetime.date(2026, 9, 1),
                                    state=RunState.DONE, result=old)
    empty = PlannerRun.objects.create(pole=run.pole, start_date=run.start_date, state=RunState.FAILED)
    migration.rename_keys(apps, None)
    run.refresh_from_db()
    assert run.result["units"]["7"]["students"] == [7, 8] and "pupils" not in run.result["units"]["7"]
    assert run.result["aesh"] == {"3": 1440} and "workers" not in run.result
    empty.refresh_from_db()
    assert empty.result == {}
    migration.restore_keys(apps, None)
    run.refresh_from_db()
    assert run.result == old
