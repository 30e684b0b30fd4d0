"""Exports of the AESH list: what the reader sees, in three formats, with formulas made inert."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aesh.tests.factories import AeshFactory
from pial.spreadsheets import neutralize, read_workbook


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_neutralize(value):
    assert neutralize(value) == "'" + value


def test_plain_values_are_untouched():
    assert neutralize("Dupont") == "Dupont" and neutralize(-3) == -3


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_export_makes_a_formula_name_inert(client_as, world, fmt):
    AeshFactory(home_pole=world.pole_a, last_name="=1+2", first_name="@cmd")
    AeshFactory(home_pole=world.pole_b, last_name="Ailleurs")
    response = client_as("coordinator_a").get(reverse("aesh:export", args=[fmt]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.content
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data)).active
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
    else:
        rows = read_workbook("x.ods", data)[0].rows
    names = [row[0] for row in rows[1:]]
    assert names == ["'=1+2"]
    assert rows[1][1] == "'@cmd"


@pytest.mark.parametrize(("who", "status"), [("pilot_a", 200), ("aesh_a", 403), ("inspector_a", 403)])
def test_export_permissions(client_as, world, who, status):
    assert client_as(who).get(reverse("aesh:export", args=["csv"])).status_code == status


def test_unknown_export_format_is_404(client_as, world):
    assert client_as("coordinator_a").get(reverse("aesh:export", args=["pdf"])).status_code == 404
