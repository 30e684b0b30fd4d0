"""Strictness of the whole suite, in the spirit of les-emplois' conftest:

- an undefined variable printed by one of our templates fails the test (Django prints nothing,
  so a typo in a variable name renders a blank where a figure should be); `|default:` still
  works, third-party templates (site-packages) are left alone, and `{% if missing %}` keeps
  Django's meaning;
- a query without any ordering comes back in random order, so that code relying on the
  database's whim (« the first row », a list shown unsorted) fails now rather than in
  production on another database.
"""

from __future__ import annotations

import sys
import sysconfig

import pytest
from django.db.models.expressions import OrderBy
from django.db.models.functions import Random
from django.db.models.sql.compiler import SQLCompiler
from django.template import engines

THIRD_PARTY = tuple({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})


def _where_rendered() -> tuple[str, str]:
    """(template origin, variable as written) of the variable node being rendered."""
    frame = sys._getframe(2)
    for _ in range(40):
        if frame is None:
            break
        node = frame.f_locals.get("self")
        expression = getattr(node, "filter_expression", None)
        context = frame.f_locals.get("context")
        frame = frame.f_back
        if expression is not None and context is not None:
            template = getattr(context, "template", None)
            origin = getattr(getattr(template, "origin", None), "name", "") or "<modèle en chaîne>"
            return str(origin), expression.token
    return "<inconnu>", "?"


class UndefinedVariable(str):
    """Django's string_if_invalid: empty and falsy (so `|default:` applies), failing when printed."""

    def __str__(self) -> str:
        origin, variable = _where_rendered()
        if not origin.startswith(THIRD_PARTY):
            pytest.fail(f"Variable de gabarit indéfinie {{{{ {variable} }}}} dans {origin}")
        return ""

    __html__ = __str__


UNDEFINED = UndefinedVariable("")


@pytest.fixture(autouse=True)
def _undefined_template_variables_fail():
    """Per test: a test that overrides TEMPLATES gets new engines, which must be strict too."""
    for engine in engines.all():
        if hasattr(engine, "engine"):
            engine.engine.string_if_invalid = UNDEFINED


_order_by_pairs = SQLCompiler._order_by_pairs


def _random_when_unordered(self: SQLCompiler):
    query = self.query
    meta = query.get_meta()
    unordered = (query.default_ordering and not query.order_by and not query.extra_order_by
                 and not (meta is not None and meta.ordering) and not query.distinct and not query.combinator)
    if unordered and query.model is not None:
        yield OrderBy(Random()), False
        return
    yield from _order_by_pairs(self)


@pytest.fixture(autouse=True, scope="session")
def _unordered_queries_come_in_random_order():
    SQLCompiler._order_by_pairs = _random_when_unordered
    yield
    SQLCompiler._order_by_pairs = _order_by_pairs
