"""Form rendering without a template per widget, field and error list.

Django renders every widget, every option of a select, every field group (django-dsfr's
snippets) and every error list through a template; on a list page's filter form that is most of
the page's CPU. `FormRenderer` writes the same markup in Python for the templates pial uses and
hands anything else to the templates (`TemplatesSetting`), so a form, a field or a widget that
overrides its template keeps working. A fast path is used only while the template it stands for
is the one shipped by Django, django-dsfr or pial (`_origins`): overriding one of those templates
in `templates/` switches its fast path off rather than silently ignoring the override.
`pial/tests/test_rendering.py` compares both paths for every widget kind pial uses.

`FastLayoutHelper` does the same for crispy-forms layouts made of `Layout`, `Fieldset`, `Div` and
field names (pial's forms): the crispy_dsfr templates of those, written in Python; any other
layout object goes through crispy.
"""

from __future__ import annotations

from pathlib import Path

import django
import dsfr
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms import ModelChoiceField
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from dsfr.templatetags.dsfr_tags import dsfr_mark_optionnal_fields
from dsfr.utils import dsfr_input_class_attr
from widget_tweaks.templatetags.widget_tweaks import set_attr

from pial.sqlmemo import MemoList, scope_key

_DJANGO_FORMS = Path(django.__file__).resolve().parent / "forms" / "templates"
_DSFR = Path(dsfr.__file__).resolve().parent / "templates"
_PIAL = Path(__file__).resolve().parent.parent / "templates"


def _out(value) -> str:
    """`{{ value }}` in a template: localized, then escaped unless safe."""
    if not isinstance(value, str):
        value = localize(value)
    return conditional_escape(value)


def _fmt(value) -> str:
    """`{{ value|stringformat:'s' }}`: str(), then always escaped (the filter's result is unsafe)."""
    return escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {_out(name)}" if value is True else f' {_out(name)}="{_fmt(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html"""
    value = "" if widget["value"] is None else f' value="{_fmt(widget["value"])}"'
    return f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"{value}{_attrs(widget["attrs"])}>\n'


class FormRenderer(TemplatesSetting):
    """TemplatesSetting, with the templates of `_FAST` written in Python (same output)."""

    # Bumped when the template settings change (tests): what a name resolves to may change too.
    generation = 0

    def __init__(self):
        super().__init__()
        self._trusted: dict[str, bool] = {}
        self._generation = FormRenderer.generation

    def render(self, template_name, context, request=None):
        fast = _FAST.get(template_name)
        if fast is not None and self._is_trusted(template_name):
            return fast[1](self, context).strip()  # as BaseRenderer.render strips
        return super().render(template_name, context, request=request)

    def _include(self, template_name, context) -> str:
        """`{% include template_name %}` inside a template: not stripped."""
        fast = _FAST.get(template_name)
        if fast is not None and self._is_trusted(template_name):
            return fast[1](self, context)
        return self.get_template(template_name).render(context)

    def _is_trusted(self, template_name: str) -> bool:
        if self._generation != FormRenderer.generation:
            self._trusted, self._generation = {}, FormRenderer.generation
        trusted = self._trusted.get(template_name)
        if trusted is None:
            origin = Path(self.get_template(template_name).origin.name).resolve()
            trusted = self._trusted[template_name] = origin == _FAST[template_name][0] / template_name
        return trusted

    # -- widgets -------------------------------------------------------------------------------

    def input(self, context) -> str:
        return _input(context["widget"]) + "\n"  # text.html etc.: `{% include input.html %}\n`

    def select(self, context) -> str:
        widget = context["widget"]
        parts = [f'<select name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_out(group_name)}">')
            for option in group_choices:
                parts.append("\n  ")
                parts.append(self._include(option["template_name"], {**context, "widget": option}))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>\n")
        return "".join(parts)

    def select_option(self, context) -> str:
        widget = context["widget"]
        return f'<option value="{_fmt(widget["value"])}"{_attrs(widget["attrs"])}>{_out(widget["label"])}</option>\n'

    def textarea(self, context) -> str:
        widget = context["widget"]
        value = _out(widget["value"]) if widget["value"] else ""
        return f'<textarea name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'

    def multiple_input(self, context) -> str:
        """checkbox_select.html and radio.html: `{% include multiple_input.html %}\n`"""
        widget = context["widget"]
        id_, css = widget["attrs"].get("id"), widget["attrs"].get("class")
        parts = ["<div", f' id="{_out(id_)}"' if id_ else "", f' class="{_out(css)}"' if css else "", ">"]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{_out(group)}</label>")
            for option in options:
                parts.append("<div>\n    ")
                parts.append(self._include(option["template_name"], {**context, "widget": option}))
                parts.append("</div>")
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>\n\n")
        return "".join(parts)

    def input_option(self, context) -> str:
        """checkbox_option.html and radio_option.html: `{% include input_option.html %}\n`"""
        widget = context["widget"]
        if not widget.get("wrap_label"):
            return _input(widget) + "\n\n"
        id_ = widget["attrs"].get("id")
        label_for = f' for="{_out(id_)}"' if id_ else ""
        return f"<label{label_for}>{_input(widget)} {_out(widget['label'])}</label>\n\n"

    def clearable_file_input(self, context) -> str:
        widget = context["widget"]
        parts = []
        if widget["is_initial"]:
            parts.append(f'{_out(widget["initial_text"])}: <a href="{_out(widget["value"].url)}">'
                         f'{_out(widget["value"])}</a>')
            if not widget["required"]:
                attrs = widget["attrs"]
                parts.append(f'\n<input type="checkbox" name="{_out(widget["checkbox_name"])}" '
                             f'id="{_out(widget["checkbox_id"])}"{" disabled" if attrs.get("disabled") else ""}'
                             f'{" checked" if attrs.get("checked") else ""}>\n'
                             f'<label for="{_out(widget["checkbox_id"])}">{_out(widget["clear_checkbox_label"])}'
                             "</label>")
            parts.append(f"<br>\n{_out(widget['input_text'])}:")
        parts.append(f'\n<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"'
                     f'{_attrs(widget["attrs"])}>\n')
        return "".join(parts)

    # -- error list ----------------------------------------------------------------------------

    def errors_ul(self, context) -> str:
        errors = context["errors"]
        if not errors:
            return ""
        field_id = getattr(errors, "field_id", None)
        id_ = f' id="{_out(field_id)}_error"' if field_id else ""
        items = "".join(f"<li>{_out(error)}</li>" for error in errors)
        return f'<ul class="{_out(context["error_class"])}"{id_}>{items}</ul>'

    # -- django-dsfr field groups --------------------------------------------------------------

    @staticmethod
    def _label_text(bf) -> str:
        return _out(bf.label) + conditional_escape(dsfr_mark_optionnal_fields(bf))

    @staticmethod
    def _error_block(bf, css: str = "") -> str:
        if not bf.errors:
            return ""
        return f'\n  <div{css} id="{_out(bf.auto_id)}-desc-error">\n    {bf.errors}\n  </div>'

    def input_snippet(self, context) -> str:
        bf = context["field"]
        group = getattr(bf.field.widget, "group_class", "") or "fr-input-group"
        css = (group + (f" {group}--error" if bf.errors else "")
               + (" fr-input-group--disabled" if bf.field.disabled else ""))
        help_text = (f'\n      <span class="fr-hint-text" id="{_out(bf.id_for_label)}_helptext">{bf.help_text}</span>'
                     if bf.help_text else "")
        return (f'<div class="{css}">\n  <label for="{_out(bf.id_for_label)}" class="fr-label">\n    '
                f"{self._label_text(bf)}{help_text}\n  </label>\n  {_out(dsfr_input_class_attr(bf))}"
                f"{self._error_block(bf)}\n</div>\n")

    def checkbox_snippet(self, context) -> str:
        bf = context["field"]
        css = ("fr-checkbox-group" + (" fr-checkbox-group--error" if bf.errors else "")
               + (" fr-input-group--disabled" if bf.field.disabled else "") + " fr-mb-2w")
        help_text = (f'\n      <span class="fr-hint-text" id="{_out(bf.auto_id)}_helptext">{bf.help_text}</span>'
                     if bf.help_text else "")
        widget = _out(set_attr(dsfr_input_class_attr(bf), "type:checkbox"))
        return (f'<div class="{css}">\n  {widget}\n  <label for="{_out(bf.id_for_label)}" class="fr-label">\n    '
                f"{self._label_text(bf)}{help_text}\n  </label>{self._error_block(bf)}\n</div>\n")

    def _choices_fieldset(self, bf, id_prefix: str, described_by: str, messages_css: str) -> str:
        errors = bf.errors
        auto_id = _out(bf.auto_id)
        labelledby = f"{auto_id}-legend" + (f" {auto_id}-{described_by}" if errors else "")
        help_text = (f'\n      <span class="fr-hint-text" id="{auto_id}_helptext">{bf.help_text}</span>'
                     if bf.help_text else "")
        bf = dsfr_input_class_attr(bf)
        inline = " fr-fieldset__element--inline" if getattr(bf.field.widget, "inline", False) else ""
        options = "".join(f'\n      <div class="fr-fieldset__element{inline}">\n        {_out(sub)}\n      </div>'
                          for sub in bf.subwidgets)
        extra = " fr-fieldsets" if id_prefix == "checkboxes" else ""
        return (f'<fieldset class="fr-fieldset{" fr-fieldset--error" if errors else ""}{extra}"\n'
                f'          id="{id_prefix}-{auto_id}"\n          aria-labelledby="{labelledby}">\n'
                f'  <legend class="fr-fieldset__legend fr-fieldset__legend--regular"\n'
                f'          id="{auto_id}-legend">\n    {self._label_text(bf)}{help_text}\n  </legend>'
                f"{options}{self._error_block(bf, messages_css)}\n</fieldset>\n")

    def checkboxselectmultiple_snippet(self, context) -> str:
        return self._choices_fieldset(context["field"], "checkboxes", "messages", "")

    def radioselect_snippet(self, context) -> str:
        return self._choices_fieldset(context["field"], "radio", "desc-error", ' class="fr-messages-group"')

    def pial_checkboxes_field(self, context) -> str:
        """templates/pial/widgets/checkboxes_field.html"""
        bf = context["field"]
        errors = bf.errors
        auto_id = _out(bf.auto_id)
        help_text = f'\n    <span class="fr-hint-text">{_out(bf.help_text)}</span>' if bf.help_text else ""
        invalid = f' aria-invalid="true" aria-describedby="{auto_id}-messages"' if errors else ""
        parts = [f'<fieldset class="fr-fieldset{" fr-fieldset--error" if errors else ""}" id="checkboxes-{auto_id}"\n'
                 f'          aria-labelledby="{auto_id}-legend {auto_id}-messages">\n'
                 f'  <legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="{auto_id}-legend">\n'
                 f"    {self._label_text(bf)}{help_text}\n  </legend>"]
        options = list(bf)
        for option in options:
            data = option.data
            id_ = _out(option.id_for_label)
            parts.append(f'\n    <div class="fr-fieldset__element">\n      <div class="fr-checkbox-group">\n'
                         f'        <input type="checkbox" name="{_out(data["name"])}" value="{_fmt(data["value"])}" '
                         f'id="{id_}"{" checked" if data["selected"] else ""}{invalid}>\n'
                         f'        <label class="fr-label" for="{id_}">{_out(option.choice_label)}</label>\n'
                         "      </div>\n    </div>")
        if not options:
            parts.append('\n    <div class="fr-fieldset__element"><p class="fr-mb-0">Aucun choix possible.</p></div>')
        parts.append(f'\n  <div class="fr-messages-group" id="{auto_id}-messages" aria-live="polite">\n    '
                     + "".join(f'<p class="fr-message fr-message--error">{_out(error)}</p>' for error in errors)
                     + "\n  </div>\n</fieldset>\n")
        return "".join(parts)


@receiver(setting_changed)
def _forget_trusted_templates(*, setting, **kwargs):
    if setting in ("TEMPLATES", "INSTALLED_APPS"):
        FormRenderer.generation += 1


_W = "django/forms/widgets/"
_FAST = {
    **{f"{_W}{kind}.html": (_DJANGO_FORMS, FormRenderer.input) for kind in (
        "text", "email", "number", "date", "time", "datetime", "url", "password", "hidden", "checkbox", "input",
        "file", "search", "tel", "color")},
    f"{_W}select.html": (_DJANGO_FORMS, FormRenderer.select),
    f"{_W}select_option.html": (_DJANGO_FORMS, FormRenderer.select_option),
    f"{_W}textarea.html": (_DJANGO_FORMS, FormRenderer.textarea),
    f"{_W}checkbox_select.html": (_DJANGO_FORMS, FormRenderer.multiple_input),
    f"{_W}radio.html": (_DJANGO_FORMS, FormRenderer.multiple_input),
    f"{_W}checkbox_option.html": (_DJANGO_FORMS, FormRenderer.input_option),
    f"{_W}radio_option.html": (_DJANGO_FORMS, FormRenderer.input_option),
    f"{_W}clearable_file_input.html": (_DJANGO_FORMS, FormRenderer.clearable_file_input),
    "django/forms/errors/list/default.html": (_DJANGO_FORMS, FormRenderer.errors_ul),
    "django/forms/errors/list/ul.html": (_DJANGO_FORMS, FormRenderer.errors_ul),
    "dsfr/form_field_snippets/input_snippet.html": (_DSFR, FormRenderer.input_snippet),
    "dsfr/form_field_snippets/checkbox_snippet.html": (_DSFR, FormRenderer.checkbox_snippet),
    "dsfr/form_field_snippets/checkboxselectmultiple_snippet.html": (
        _DSFR, FormRenderer.checkboxselectmultiple_snippet),
    "dsfr/form_field_snippets/radioselect_snippet.html": (_DSFR, FormRenderer.radioselect_snippet),
    "pial/widgets/checkboxes_field.html": (_PIAL, FormRenderer.pial_checkboxes_field),
}


# -- crispy-forms layouts ---------------------------------------------------------------------

def _layout_is_plain(item) -> bool:
    if isinstance(item, str):
        return True
    if type(item) not in (Layout, Fieldset, Div):
        return False
    if type(item) is Fieldset and "{" in str(item.legend or ""):
        return False  # a legend with template syntax: crispy renders it as a template
    if type(item) is not Layout and item.template not in (Fieldset.template, Div.template):
        return False
    return all(_layout_is_plain(child) for child in item.fields)


def _layout_key(item) -> tuple | str:
    if isinstance(item, str):
        return item
    return (type(item).__name__, str(getattr(item, "legend", "")), getattr(item, "css_class", None),
            getattr(item, "css_id", None), str(getattr(item, "flat_attrs", "")),
            tuple(_layout_key(child) for child in item.fields))


def _markup_key(form, layout) -> tuple[tuple, dict]:
    """Everything the markup of a plain layout is made of: the form's class, prefix and ids, each
    field's definition, widget (attributes, format, choices) and value, the errors, the layout,
    the language; and the model choices read for it (a query each), for a render to reuse."""
    fields, read_choices = [], {}
    for name, field in form.fields.items():
        widget = field.widget
        if hasattr(field, "choices"):
            choices = list(iter(field.choices))  # not list(choices): its len() is a COUNT query
            if isinstance(field, ModelChoiceField):
                read_choices[name] = choices
            choices = tuple((str(value), str(label)) for value, label in choices)
        else:
            choices = None
        widget_state = tuple(sorted((k, repr(v)) for k, v in vars(widget).items()
                                    if k not in ("choices", "_choices", "attrs")))
        fields.append((
            name, type(field).__qualname__, type(widget).__qualname__, str(field.label), str(field.help_text),
            field.required, field.disabled, field.localize, field.show_hidden_initial, field.template_name,
            repr(sorted(widget.attrs.items())), widget_state, choices, repr(form[name].value()),
        ))
    errors = tuple((name, tuple(str(e) for e in errors)) for name, errors in form.errors.items()) \
        if form.is_bound else ()
    return (type(form).__module__, type(form).__qualname__, form.prefix, form.auto_id, form.is_bound,
            tuple(fields), errors, _layout_key(layout), translation.get_language(), type(form.renderer)), read_choices


_LAYOUT_CACHE: dict[tuple, str] = {}
_LAYOUT_CACHE_SIZE = 512


class FastLayoutHelper(FormHelper):
    """A FormHelper whose layout of Layout/Fieldset/Div/field names is rendered in Python, with
    the markup of templates/crispy_dsfr/layout/{fieldset,div}.html and crispy_dsfr/field.html.

    With `cache_layout`, for a form whose markup is a function of its fields, data and choices
    only (the list filters): the markup is kept per process, keyed by all of those
    (`_markup_key`), so a request whose form is the same as an earlier one's skips the render."""

    cache_layout = False

    def render_layout(self, form, context, template_pack=None):
        if self.field_template or self.render_unmentioned_fields or self.render_hidden_fields \
                or self.render_required_fields or not _layout_is_plain(self.layout):
            return super().render_layout(form, context, **({"template_pack": template_pack} if template_pack else {}))
        form.rendered_fields = set()
        form.crispy_field_template = None
        if not self.cache_layout:
            return mark_safe(self._render(self.layout, form))
        key, read_choices = _markup_key(form, self.layout)
        html = _LAYOUT_CACHE.get(key)
        if html is None:
            if len(_LAYOUT_CACHE) >= _LAYOUT_CACHE_SIZE:
                _LAYOUT_CACHE.clear()
            for name, choices in read_choices.items():
                form.fields[name].choices = choices  # the render reuses them: no second query
            html = _LAYOUT_CACHE[key] = self._render(self.layout, form)
        else:
            form.rendered_fields.update(pointer.name for pointer in self.layout.get_field_names())
        return mark_safe(html)

    def _render(self, item, form) -> str:
        if isinstance(item, str):
            bf = form[item]
            form.rendered_fields.add(item)
            return f"{bf}\n" if bf.is_hidden else f"{bf.as_field_group()}\n"
        fields = "".join(self._render(child, form) for child in item.fields)
        if type(item) is Layout:
            return fields
        if type(item) is Fieldset:
            css = f" {_out(item.css_class)}" if item.css_class else ""
            id_ = f' id="{_out(item.css_id)}"' if item.css_id else ""
            legend = (f'<legend class="fr-fieldset__legend">{item.legend}</legend>'
                      if item.legend else "")
            return (f'<fieldset class="fr-fieldset{css}"{id_} {item.flat_attrs}>\n  {legend}\n'
                    f'  <div class="fr-fieldset__element">{fields}</div>\n</fieldset>\n')
        id_ = f'id="{_out(item.css_id)}"' if item.css_id else ""
        css = f'class="{_out(item.css_class)}"' if item.css_class else ""
        return f"<div {id_} {css} {item.flat_attrs}>{fields}</div>\n"



# -- model choices read as values ------------------------------------------------------------

class ValuesChoiceIterator(ModelChoiceIterator):
    """A ModelChoiceField's choices read with `values_list`: no model instance per option (a
    list filter's 60 schools were a tenth of the page). Made by `values_iterator`."""

    columns: tuple[str, ...] = ()

    @staticmethod
    def label(*values) -> str:
        raise NotImplementedError

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # A field given `options_key` (all its queryset is a function of) reads its options
        # through a statement compiled once per process (pial.sqlmemo); the query still runs.
        key = getattr(self.field, "options_key", None)
        columns = ("pk", *self.columns)
        rows = getattr(self.field, "option_rows", None)  # read already for this request (filter_form)
        if rows is None and key is None:
            rows = self.queryset.values_list(*columns).iterator()
        elif rows is None:
            rows = MemoList(("options", key), lambda: self.queryset, columns, tuple)[0:None]
        for pk, *values in rows:
            yield ModelChoiceIteratorValue(pk, None), self.label(*values)


def values_iterator(columns: tuple[str, ...], label) -> type[ValuesChoiceIterator]:
    """An iterator class for `ModelChoiceField.iterator`: options (pk, label(*columns)); `label`
    must say what the model's __str__ says (a test holds them equal). Validation still goes
    through the field's queryset."""
    return type("ValuesIterator", (ValuesChoiceIterator,), {"columns": columns, "label": staticmethod(label)})


# The list filters' « Établissement » options: what School.__str__ says.
SCHOOL_OPTIONS = values_iterator(("name", "uai"), lambda name, uai: f"{name} ({uai})")


def school_options(field, scope, rows: list | None = None) -> None:
    """A list filter's « Établissement » field: the schools `scope` sees, read as values through a
    statement compiled once per scope; `rows` (`school_option_rows`) when read already."""
    from pial.models import School

    field.queryset = School.objects.visible_to(scope).order_by("name")
    field.iterator = SCHOOL_OPTIONS
    field.options_key = ("schools", scope_key(scope))  # its queryset's inputs
    if rows is not None:
        field.option_rows = rows


def school_option_rows(scope) -> list[tuple]:
    """The rows `school_options` shows: one query, the statement the field's iterator runs."""
    from pial.models import School

    return MemoList(("options", ("schools", scope_key(scope))),
                    lambda: School.objects.visible_to(scope).order_by("name"),
                    ("pk", *SCHOOL_OPTIONS.columns), tuple)[0:None]


# -- list filter forms, whole ----------------------------------------------------------------

_FILTER_FORMS: dict[tuple, tuple[str, object]] = {}
_FILTER_FORMS_SIZE = 512
_CRISPY = None


def filter_form(form_class, data, scope) -> tuple[str, object]:
    """(`{% crispy form %}`'s markup, `form.to_filters()`) of a list's filter form.

    Building, binding, validating and rendering the form was a third of a list page's CPU. Both
    results are a function of the form class, the scope, the values the query gives its fields,
    the rows of its model choices and the language: they are kept per process under all of those,
    so a request whose filters were seen before builds no form. The choices are read on every
    request (`form_class.option_rows(scope)`, one query each, the rows the form shows and validates
    against); the form class must read nothing else from the database or the request (a GET form,
    no CSRF token), and `form_class(data, scope=scope, option_rows=...)` must use the rows given."""
    global _CRISPY
    rows = form_class.option_rows(scope)
    values = None if data is None else tuple((name, tuple(data.getlist(name))) for name in form_class.base_fields)
    key = (form_class.__module__, form_class.__qualname__, scope_key(scope), values,
           tuple((name, tuple(found)) for name, found in rows.items()), translation.get_language())
    kept = _FILTER_FORMS.get(key)
    if kept is None:
        from django.template import Context, Template

        form = form_class(data, scope=scope, option_rows=rows)
        filters = form.to_filters()
        if _CRISPY is None:
            _CRISPY = Template("{% load crispy_forms_tags %}{% crispy form %}")
        html = _CRISPY.render(Context({"form": form}))
        if len(_FILTER_FORMS) >= _FILTER_FORMS_SIZE:
            _FILTER_FORMS.clear()
        kept = _FILTER_FORMS[key] = (html, filters)
    return mark_safe(kept[0]), kept[1]
