"""The suite's strictness fixtures (pial/tests/strictness.py) catch what they promise."""

import pytest
from django.db import connection
from django.template import Context, Template, engines
from django.test.utils import CaptureQueriesContext

from missions.models import TravelTime
from pial.models import Departement


def test_a_planted_undefined_variable_fails_the_test():
    with pytest.raises(pytest.fail.Exception, match=r"indéfinie \{\{ planted_figure \}\}"):
        Template("<p>Couverture : {{ planted_figure }} %</p>").render(Context({}))


def test_undefined_variables_keep_django_meanings_where_they_are_meant():
    html = Template("{% if missing %}non{% endif %}{{ missing|default:'—' }}{{ here }}").render(Context({"here": 3}))
    assert html == "—3"


def test_a_third_party_template_is_left_alone(tmp_path, monkeypatch):
    from pial.tests import strictness

    monkeypatch.setattr(strictness, "THIRD_PARTY", (str(tmp_path),))
    (tmp_path / "tiers.html").write_text("[{{ absent }}]")
    engine = engines["django"].engine
    template = engine.from_string("[{{ absent }}]")
    template.origin.name = str(tmp_path / "tiers.html")
    assert template.render(Context({})) == "[]"


def _sql(queryset) -> str:
    return str(queryset.query).upper()


@pytest.mark.django_db
def test_a_query_without_any_order_is_given_a_random_one():
    """TravelTime has no Meta.ordering: an unsorted list of it comes back shuffled, test after test."""
    assert not TravelTime._meta.ordering
    assert "ORDER BY RANDOM()" in _sql(TravelTime.objects.all()) or "ORDER BY RAND()" in _sql(TravelTime.objects.all())


@pytest.mark.django_db
def test_an_asked_order_or_an_explicit_none_is_left_as_it_is():
    assert "RAND" not in _sql(TravelTime.objects.order_by("minutes"))
    assert "RAND" not in _sql(TravelTime.objects.order_by())           # « no order », said on purpose
    assert "RAND" not in _sql(TravelTime.objects.distinct())           # DISTINCT cannot sort on an expression
    assert "RAND" not in _sql(Departement.objects.all())                # Meta.ordering applies
    with CaptureQueriesContext(connection) as queries:
        TravelTime.objects.count()
        TravelTime.objects.exists()
    assert not any("RAND" in q["sql"].upper() for q in queries.captured_queries)
