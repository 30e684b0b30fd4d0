"""pial.rendering writes the same markup as the templates it stands for, for every widget kind
pial uses, unbound, bound and bound with errors; and crispy layouts likewise."""

import datetime

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Submit
from django import forms
from django.forms.renderers import TemplatesSetting, get_default_renderer
from django.template import Context, Template
from django.test import RequestFactory
from django.test.html import parse_html
from dsfr.forms import DsfrBaseForm

from pial import rendering
from pial.forms import CrispyDsfrMixin, as_checkboxes
from pial.rendering import _FAST, FastLayoutHelper, FormRenderer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
GROUPED = [("", "Choisir"), ("Premier degré", [("1", "École A & B"), ("2", "École <C>")]), ("3", "Collège")]


class File:
    url = "/media/pps/fichier.pdf"

    def __str__(self):
        return "fichier.pdf"


class EveryWidget(CrispyDsfrMixin, DsfrBaseForm):
    text = forms.CharField(label="Nom", max_length=20, help_text="Nom d'usage <b>ou</b> de naissance")
    optional = forms.CharField(label="Complément", required=False)
    email = forms.EmailField(label="Adresse e-mail")
    number = forms.IntegerField(label="Heures", min_value=0)
    decimal = forms.DecimalField(label="Quotité", required=False, max_digits=4, decimal_places=2)
    date = forms.DateField(label="Date", widget=DATE)
    time = forms.TimeField(label="Heure", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    select = forms.ChoiceField(label="Établissement", choices=GROUPED)
    multiselect = forms.MultipleChoiceField(label="Plusieurs", choices=GROUPED[1:], required=False)
    nullboolean = forms.NullBooleanField(label="Peut-être", required=False, widget=forms.NullBooleanSelect)
    boolean = forms.BooleanField(label="J'accepte", required=False, help_text="Cochez la case")
    required_box = forms.BooleanField(label="Obligatoire")
    checkboxes = forms.MultipleChoiceField(label="Activités", choices=[("a", "Repas"), ("b", "Sortie")],
                                           widget=forms.CheckboxSelectMultiple, help_text="Une ou plusieurs")
    pial_boxes = forms.MultipleChoiceField(label="Établissements", choices=[("1", "École A"), ("2", "École B")],
                                           help_text="Cochez-en un ou plusieurs.")
    empty_boxes = forms.MultipleChoiceField(label="Rien", choices=[], required=False)
    radio = forms.ChoiceField(label="Réponse", choices=[("accept", "Accepté"), ("refuse", "Refusé")],
                              widget=forms.RadioSelect, help_text="Celle de l'agent")
    textarea = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label="Fichier", required=False, help_text="PDF, 10 Mo au plus.")
    password = forms.CharField(label="Mot de passe", widget=forms.PasswordInput)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    disabled = forms.CharField(label="Figé", disabled=True, required=False, initial="valeur")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        as_checkboxes(self.fields["pial_boxes"])
        as_checkboxes(self.fields["empty_boxes"])
        self.helper = self.build_helper(
            Fieldset("Identité", Div("text", "optional", css_class="pial-row"), "email", "hidden"),
            Fieldset("Le reste", "number", "decimal", "date", "time", "select", "multiselect", "nullboolean",
                     "boolean", "required_box", "checkboxes", "pial_boxes", "empty_boxes", "radio", "textarea",
                     "file", "password", css_id="reste", data_role="x"),
            Div("disabled", css_id="fige"),
        )

    def clean(self):
        data = super().clean()
        if data.get("text") == "erreur":
            raise forms.ValidationError("Le formulaire est incohérent.")
        return data


VALID = {"text": "Durand", "email": "a@b.fr", "number": "3", "decimal": "0.62", "date": "2026-09-01",
         "time": "08:30", "select": "2", "multiselect": ["1", "3"], "nullboolean": "true", "boolean": "on",
         "required_box": "on", "checkboxes": ["a", "b"], "pial_boxes": ["2"], "radio": "refuse",
         "textarea": "Ligne 1\nLigne <2>", "password": "secret", "hidden": "h&1"}
INVALID = {"text": "erreur" * 5, "email": "pas-un-email", "number": "-1", "decimal": "abc", "date": "demain",
           "select": "9", "checkboxes": ["z"], "pial_boxes": ["9"], "radio": "peut-être",
           "textarea": "<script>", "hidden": "x"}


def _forms():
    yield "unbound", {"initial": {"date": datetime.date(2026, 9, 1), "select": "1", "file": File()}}
    yield "bound", {"data": VALID}
    yield "errors", {"data": INVALID}
    yield "form error", {"data": {**VALID, "text": "erreur"}}


def _both(**kwargs):
    slow, fast = EveryWidget(renderer=TemplatesSetting(), **kwargs), EveryWidget(renderer=FormRenderer(), **kwargs)
    if slow.is_bound:
        assert slow.is_valid() == fast.is_valid()
    return slow, fast


@pytest.mark.parametrize(("case", "kwargs"), list(_forms()), ids=[case for case, _ in _forms()])
def test_widgets_are_byte_identical(case, kwargs):
    slow, fast = _both(**kwargs)
    for name in slow.fields:
        assert str(fast[name]) == str(slow[name]), name
        if slow[name].errors:
            assert str(fast[name].errors) == str(slow[name].errors), name


@pytest.mark.parametrize(("case", "kwargs"), list(_forms()), ids=[case for case, _ in _forms()])
def test_field_groups_are_the_same_markup(case, kwargs):
    slow, fast = _both(**kwargs)
    if case == "errors":
        assert {name for name in slow.fields if slow[name].errors} == {
            "text", "email", "number", "decimal", "date", "select", "checkboxes", "pial_boxes", "radio",
            "password", "required_box"}
    for name in slow.fields:
        slow_html, fast_html = slow[name].as_field_group(), fast[name].as_field_group()
        assert parse_html(fast_html) == parse_html(slow_html), name
        # Same text as well, up to blank runs that HTML ignores.
        assert fast_html.split() == slow_html.split(), name


def test_every_fast_path_is_exercised_and_trusted(monkeypatch):
    renderer, used = FormRenderer(), set()
    for method in ("render", "_include"):
        real = getattr(FormRenderer, method)

        def spy(self, template_name, context, *args, real=real, **kwargs):
            used.add(template_name)
            return real(self, template_name, context, *args, **kwargs)

        monkeypatch.setattr(FormRenderer, method, spy)
    for _case, kwargs in _forms():
        form = EveryWidget(renderer=renderer, **kwargs)
        for name in form.fields:
            form[name].as_field_group()
            str(form[name].errors), str(form[name])
    assert all(renderer._is_trusted(name) for name in _FAST)
    unused = {name for name in _FAST if name not in used}
    # Aliases of the input template no pial form uses, and the list include of the error list.
    assert unused <= {f"django/forms/widgets/{kind}.html" for kind in (
        "datetime", "url", "input", "file", "search", "tel", "color")} | {"django/forms/errors/list/ul.html"}


def test_an_overridden_template_is_not_bypassed(settings, tmp_path):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "text.html").write_text('<input class="override" name="{{ widget.name }}">')
    renderer = get_default_renderer()
    assert isinstance(renderer, FormRenderer) and str(EveryWidget()["text"]).startswith('<input type="text"')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    assert str(EveryWidget(renderer=renderer)["text"]) == '<input class="override" name="text">'


CRISPY = Template("{% load crispy_forms_tags %}{% crispy form %}")


def _crispy(form) -> str:
    request = RequestFactory().get("/")
    return CRISPY.render(Context({"form": form, "request": request, "csrf_token": "jeton"}))


def _with_plain_helper(form):
    helper = FormHelper(form)
    helper.layout, helper.inputs = form.helper.layout, form.helper.inputs
    helper.form_method = form.helper.form_method
    form.helper = helper
    return form


@pytest.mark.parametrize(("case", "kwargs"), list(_forms()), ids=[case for case, _ in _forms()])
def test_crispy_layouts_are_the_same_markup(case, kwargs):
    fast = EveryWidget(renderer=FormRenderer(), **kwargs)
    slow = _with_plain_helper(EveryWidget(renderer=TemplatesSetting(), **kwargs))
    assert isinstance(fast.helper, FastLayoutHelper)
    fast_html, slow_html = _crispy(fast), _crispy(slow)
    assert parse_html(fast_html) == parse_html(slow_html)
    assert fast_html.split() == slow_html.split()
    assert 'aria-describedby="id_email-desc-error"' in fast_html if case == "errors" else True


def test_other_layout_objects_go_through_crispy():
    form = EveryWidget()
    form.helper.layout.append(HTML("<p>{{ request.path }}</p>"))
    form.helper.inputs.append(Submit("autre", "Autre"))
    assert "<p>/</p>" in _crispy(form)


def _cached(**kwargs):
    form = EveryWidget(renderer=FormRenderer(), **kwargs)
    form.helper.cache_layout = True
    return form


@pytest.mark.parametrize(("case", "kwargs"), list(_forms()), ids=[case for case, _ in _forms()])
def test_a_cached_layout_is_the_markup_rendered_afresh(case, kwargs, monkeypatch):
    monkeypatch.setattr(rendering, "_LAYOUT_CACHE", {})
    renders = []
    real = FastLayoutHelper._render
    monkeypatch.setattr(FastLayoutHelper, "_render", lambda self, item, form: renders.append(item) or real(
        self, item, form))
    fresh = _crispy(EveryWidget(renderer=FormRenderer(), **kwargs))
    first, second = _crispy(_cached(**kwargs)), _crispy(_cached(**kwargs))
    assert first == second == fresh
    assert len(rendering._LAYOUT_CACHE) == 1
    renders.clear()
    _crispy(_cached(**kwargs))
    assert renders == []  # a hit


def test_the_layout_cache_key_follows_data_choices_and_errors(monkeypatch):
    monkeypatch.setattr(rendering, "_LAYOUT_CACHE", {})
    _crispy(_cached(data=VALID))
    _crispy(_cached(data={**VALID, "text": "Martin"}))
    other_choices = _cached(data=VALID)
    other_choices.fields["select"].choices = [*GROUPED, ("4", "Lycée")]
    html = _crispy(other_choices)
    assert "Lycée" in html
    _crispy(_cached(data=INVALID))
    _crispy(_cached())
    assert len(rendering._LAYOUT_CACHE) == 5


@pytest.mark.django_db
def test_list_filter_forms_are_cached_and_unchanged(monkeypatch):
    from aesh.forms import AeshFilterForm
    from eleves.forms import StudentFilterForm
    from pial.scope import Scope
    from pial.tests.factories import MembershipFactory, SchoolFactory

    school = SchoolFactory(name="École <Jaurès>")
    SchoolFactory(pole=school.pole, name="Collège Camus")
    scope = Scope.of(MembershipFactory(pole=school.pole))
    monkeypatch.setattr(rendering, "_LAYOUT_CACHE", {})
    for form_class in (AeshFilterForm, StudentFilterForm):
        for data in (None, {"q": "mar", "school": str(school.pk)}, {"school": "999999"}):
            cached = form_class(data, scope=scope)
            cached.to_filters()
            assert cached.helper.cache_layout
            plain = _with_plain_helper(form_class(data, scope=scope, renderer=TemplatesSetting()))
            plain.to_filters()
            first, again, slow = _crispy(cached), _crispy(form_class(data, scope=scope)), _crispy(plain)
            assert first == again
            assert parse_html(first) == parse_html(slow)
            assert "École &lt;Jaurès&gt;" in first and "Collège Camus" in first
    assert len(rendering._LAYOUT_CACHE) == 6


@pytest.mark.django_db
def test_a_miss_and_a_hit_run_the_same_queries(monkeypatch):
    from aesh.forms import AeshFilterForm
    from pial.scope import Scope
    from pial.tests.factories import MembershipFactory, SchoolFactory
    from pial.tests.helpers import count_queries

    school = SchoolFactory()
    scope = Scope.of(MembershipFactory(pole=school.pole))
    monkeypatch.setattr(rendering, "_LAYOUT_CACHE", {})
    forms_ = [AeshFilterForm({"school": str(school.pk)}, scope=scope) for _ in range(2)]
    for form in forms_:
        form.to_filters()
    miss = count_queries(lambda: _crispy(forms_[0]))
    hit = count_queries(lambda: _crispy(forms_[1]))
    assert miss == hit == 1  # the school choices, read once (no COUNT)
    assert len(rendering._LAYOUT_CACHE) == 1


def _hit_builds_nothing(form_class, data, scope):
    from pial.tests.helpers import count_queries

    real_init, built, found = form_class.__init__, [], []
    form_class.__init__ = lambda self, *a, **k: (built.append(1), real_init(self, *a, **k))[-1]
    try:
        assert count_queries(lambda: found.append(rendering.filter_form(form_class, data, scope))) == 1
    finally:
        form_class.__init__ = real_init
    assert built == []  # a hit
    return found[0]


@pytest.mark.django_db
def test_a_filter_form_kept_whole_is_the_form_rendered_afresh(monkeypatch):
    """filter_form(): the markup and filters of a freshly built form, a hit building no form and
    running the same single query (the school choices), the key following data and choices."""
    from django.http import QueryDict

    from aesh.forms import AeshFilterForm
    from eleves.forms import StudentFilterForm
    from pial.scope import Scope
    from pial.tests.factories import MembershipFactory, SchoolFactory

    school = SchoolFactory(name="École <Jaurès>")
    SchoolFactory(pole=school.pole, name="Collège Camus")
    scope = Scope.of(MembershipFactory(pole=school.pole))
    monkeypatch.setattr(rendering, "_FILTER_FORMS", {})
    monkeypatch.setattr(rendering, "_LAYOUT_CACHE", {})
    queries = (None, f"q=mar&school={school.pk}", "school=999999", "school=abc&ending=x", "q=a&q=b&page=3")
    for form_class in (AeshFilterForm, StudentFilterForm):
        for query in queries:
            data = None if query is None else QueryDict(query)
            fresh = form_class(data, scope=scope)
            filters = fresh.to_filters()
            html = _crispy(fresh)
            assert rendering.filter_form(form_class, data, scope) == (html, filters)
            assert _hit_builds_nothing(form_class, data, scope) == (html, filters)
    assert len(rendering._FILTER_FORMS) == 2 * len(queries)
    school.name = "École Jaurès"
    school.save()
    html, _ = rendering.filter_form(StudentFilterForm, None, scope)
    assert "École Jaurès (" in html and "&lt;Jaurès&gt;" not in html
