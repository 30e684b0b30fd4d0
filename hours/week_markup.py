"""The AESH's week page content, written in Python: the template engine per line, per field and
per value was most of the page's CPU once the week is saved (the page 140 000 AESH open every
week, benchmarks/test_pages.py). The same bytes the template hours/_week_body.html wrote
(hours/tests/test_week_markup.py renders it, kept as week_body_before.html, beside this for many
weeks and compares); every value escaped here, the fields written by hours.markup."""

from __future__ import annotations

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.timezone import template_localtime

from hours import markup
from hours.forms import AddEntryForm
from hours.markup import conditional_escape
from hours.templatetags.hours import duration, field_tag, state_badge
from pial.cells import esc

_NO_SLOT = ('<p class="fr-text--sm pial-muted">Aucun créneau prévu ce jour (emploi du temps, vacances ou jour '
            "férié).</p>")
_CONNEXE_HEAD = (
    '\n\n  <section class="pial-day" aria-labelledby="connexe-titre">\n'
    '    <h2 class="fr-h5" id="connexe-titre">Vos activités connexes de la semaine</h2>\n'
    '    <p class="fr-text--sm">Préparation, concertation, réunions : ce temps est reconnu par votre contrat (les '
    "semaines au-delà des 36 semaines d'accompagnement). Le déclarer est <strong>volontaire</strong> et "
    "<strong>sans contrôle heure par heure</strong> : un total par catégorie suffit. Il rend votre travail "
    "visible.</p>\n    ")
_ADD_HEAD = (
    '\n    <section class="pial-day" aria-labelledby="ajout-titre">\n'
    '      <h2 class="fr-h5" id="ajout-titre">Ajouter une activité hors emploi du temps</h2>\n'
    '      <p class="fr-text--sm">Une sortie scolaire, un accompagnement sur la pause méridienne, le remplacement '
    "d'un·e collègue, une formation suivie (elle rejoindra votre suivi de formation une fois la semaine "
    "validée).</p>\n")


def _date(value, fmt: str) -> str:
    """`{{ value|date:fmt }}`: in the current time zone, as the template shows it."""
    return esc(date_filter(template_localtime(value), fmt))


def _csrf(token: str) -> str:
    """`{% csrf_token %}`."""
    if not token or token == "NOTPROVIDED":  # noqa: S105  (Django's mark of a view exempt of CSRF)
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(token)}">'


def _state(timesheet) -> str:
    state = timesheet.state
    if state == "RETURNED":
        return ('\n    <div class="fr-alert fr-alert--warning fr-mb-3w">\n'
                '      <h2 class="fr-alert__title">La coordination vous a renvoyé cette semaine</h2>\n'
                f"      <p>« {esc(timesheet.return_comment)} » Corrigez ce qui doit l'être, puis transmettez-la à "
                "nouveau.</p>\n    </div>\n  ")
    if state == "SUBMITTED":
        return ('\n    <div class="fr-alert fr-alert--info fr-mb-3w"><p>Transmise le '
                f'{_date(timesheet.submitted_at, "d/m/Y à H:i")} : en attente de validation par la '
                "coordination.</p></div>\n  ")
    if state == "VALIDATED":
        by = timesheet.validated_by
        who = f" par {esc(by.get_full_name() or by.email)}" if by else ""
        return ('\n    <div class="fr-alert fr-alert--success fr-mb-3w"><p>Validée le '
                f'{_date(timesheet.validated_at, "d/m/Y")}{who}.</p></div>\n  ')
    return ""


def _errors(errors, form, add_form, add_fresh) -> str:
    form_errors, add_errors = form.errors, {} if add_fresh else add_form.errors  # a new form has none
    if not (errors or form_errors or add_errors):
        return ""
    return ('\n    <div class="fr-alert fr-alert--error fr-mb-3w" role="alert" id="erreurs" tabindex="-1">\n'
            "      <h2 class=\"fr-alert__title\">Rien n'a été enregistré : corrigez ce qui suit</h2>\n"
            "      <ul>\n        "
            + "".join(f"<li>{conditional_escape(e)}</li>" for e in errors) + "\n        "
            + "".join(f"<li>{conditional_escape(e)}</li>" for messages in form_errors.values() for e in messages)
            + "\n        "
            + "".join(f"<li>Activité ajoutée — {conditional_escape(e)}</li>"
                      for messages in add_errors.values() for e in messages)
            + "\n      </ul>\n    </div>\n  ")


def _row(row, editable: bool) -> str:
    if row.to_come:
        state = (f'\n            <p class="fr-mb-0 pial-muted"><strong>À venir</strong> · prévu {esc(row.planned)} : '
                 "vous direz comment ce créneau s'est passé une fois la journée passée.</p>\n          ")
    elif editable:
        state = f"\n            {conditional_escape(row.fields)}\n          "
    else:
        entry = row.entry
        reason = f" · {esc(entry.get_absence_reason_display())}" if entry.absence_reason else ""
        state = (f'\n            <p class="fr-mb-0"><strong>{esc(entry.get_attendance_display())}</strong> · '
                 f"{esc(duration(entry.minutes))} sur {esc(row.planned)}{reason}</p>\n          ")
    key = esc(row.key)
    return (f'\n        <div class="pial-line" role="group" aria-labelledby="ligne-{key}">\n'
            f'          <h3 class="fr-text--md fr-mb-1w" id="ligne-{key}">{esc(row.heading)}</h3>\n'
            f'          <p class="fr-text--sm fr-mb-1w">{esc(row.where)}</p>\n'
            f"          {state}\n        </div>\n      ")


def _added(entry, day_label: str, editable: bool) -> str:
    kind = entry.get_kind_display()
    label = f" · {esc(entry.label)}" if entry.label else ""
    training = f" · {esc(entry.get_training_kind_display())}" if entry.training_kind else ""
    button = (f'<button class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-delete-line '
              f'fr-btn--icon-left" type="submit" form="retirer-{esc(entry.pk)}">Retirer<span class="fr-sr-only"> '
              f"{esc(str(kind).lower())} de {esc(day_label)}</span></button>") if editable else ""
    return (f'\n        <div class="pial-line pial-line--added">\n'
            f'          <p class="fr-mb-0"><strong>{esc(kind)}</strong> · {esc(duration(entry.minutes))}{label}'
            f"{training}</p>\n          {button}\n        </div>\n      ")


def _day(counter: int, day, editable: bool) -> str:
    minutes = (f' <span class="fr-text--sm fr-text--regular">· {esc(duration(day.minutes))}</span>'
               if day.minutes else "")
    rows = "".join(_row(row, editable) for row in day.rows) if day.rows else \
        f"\n        {'' if day.added else _NO_SLOT}\n      "
    return (f'\n    <section class="pial-day" aria-labelledby="jour-{counter}">\n'
            f'      <h2 class="fr-h5 pial-day__title" id="jour-{counter}">{esc(day.label)}{minutes}</h2>\n      '
            f"{rows}\n      {''.join(_added(entry, day.label, editable) for entry in day.added)}\n    </section>\n  ")


def _connexe(c: dict) -> str:
    form, connexe = c["form"], c["connexe"]
    if not c["editable"]:
        shown = "".join(f"<li>{conditional_escape(f.label)} : {conditional_escape(value)}</li>"
                        for f in connexe if (value := f.value()))
        timesheet = c["timesheet"]
        return (f"\n      <ul>{shown}</ul>\n      "
                f"{'' if c['totals'].connexe else '<p>Aucune activité connexe déclarée.</p>'}\n      "
                f"{f'<p>Votre commentaire : « {esc(timesheet.comment)} »</p>' if timesheet.comment else ''}\n    ")
    fields = "".join(
        f'\n          <div class="fr-input-group{" fr-input-group--error" if f.errors else ""}">\n'
        f'            <label class="fr-label" for="{esc(f.auto_id)}">{conditional_escape(f.label)}</label>\n'
        f"            {field_tag(f)}{markup.error_lines(f)}\n          </div>\n        " for f in connexe)
    comment = form["comment"]
    submit = ('<li><button class="fr-btn fr-icon-send-plane-line" type="submit" name="action" value="submit">'
              "Enregistrer et transmettre</button></li>") if c["finished"] else ""
    later = "" if c["finished"] else \
        f'<p class="fr-text--sm" id="transmission-plus-tard">{esc(c["finished_message"])}</p>'
    return (f'\n      <div class="pial-connexe">\n        {fields}\n      </div>\n'
            f'      <div class="fr-input-group">\n'
            f'        <label class="fr-label" for="{esc(comment.auto_id)}">{conditional_escape(comment.label)} '
            f'<span class="fr-hint-text" id="{esc(comment.auto_id)}_helptext">{conditional_escape(comment.help_text)}'
            f"</span></label>\n        {field_tag(comment)}\n      </div>\n"
            '      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">\n'
            '        <li><button class="fr-btn fr-btn--secondary fr-icon-save-line" type="submit" name="action" '
            f'value="save">Enregistrer le brouillon</button></li>\n        {submit}\n      </ul>\n      {later}\n    ')


_NEW_ADD_FORMS: dict = {}  # {Monday: (its fields' markup, the token field's markup with _MARK for the token)}
_MARK = "\x00"


def _add_fields(add_form) -> tuple[str, str]:
    """The added activity's fields and its token field, as written (hours.markup)."""
    fields = "".join(f"{markup.field_group(f)}\n        " for f in add_form.visible_fields())
    return fields, str(field_tag(add_form["token"]))


def _new_add_fields(add_form, monday, token: str) -> tuple[str, str]:
    """`_add_fields` of a new form (unbound: no value, no error), what only its week's days make
    differ, kept per Monday: the form is made (`add_form` is lazy) once per Monday per process."""
    kept = _NEW_ADD_FORMS.get(monday)
    if kept is None:
        fields, token_field = _add_fields(add_form)
        if add_form.is_bound or token_field.count(esc(token)) != 1 or _MARK in fields + token_field:
            return fields, token_field  # not what this memo is for: written, not kept
        if len(_NEW_ADD_FORMS) >= 512:
            _NEW_ADD_FORMS.clear()
        kept = _NEW_ADD_FORMS[monday] = fields, token_field.replace(esc(token), _MARK)
    return kept[0], kept[1].replace(_MARK, esc(token))


def _add_section(c: dict, csrf: str) -> str:
    add_form, fresh = c["add_form"], c.get("add_fresh")
    removals = "".join(
        f'\n      <form method="post" action="{esc(reverse("hours:remove", args=[entry.pk]))}" '
        f'id="retirer-{esc(entry.pk)}">{csrf}</form>\n    ' for day in c["days"] for entry in day.added)
    fields, token_field = _new_add_fields(add_form, *fresh) if fresh else _add_fields(add_form)
    label = esc(AddEntryForm.submit_label)
    return (f"\n    {removals}{_ADD_HEAD}"
            f'      <form action="{esc(c["add_action"])}" method="post" novalidate>{csrf}\n        {fields}'
            f"{token_field}\n"
            '        <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w"><li><button type="submit" '
            f'name="submit" value="{label}" class="fr-btn" id="submit-id-submit">{label}</button></li></ul>\n'
            "      </form>\n    </section>\n  ")


def _events(events) -> str:
    if not events:
        return ""
    items = "".join(
        f'<li>{_date(e.at, "d/m/Y H:i")} — {esc(e.get_action_display())}'
        f'{f" : « {esc(e.comment)} »" if e.comment else ""}</li>' for e in events)
    return f'\n    <h2 class="fr-h5">Historique</h2>\n    <ul>{items}</ul>\n  '


def _week_link(slug: str | None, css: str, text: str) -> str:
    return f'<a class="fr-link {css}" href="{esc(reverse("hours:week", args=[slug]))}">{text}</a>' if slug else ""


def body(c: dict) -> SafeString:
    """The page's content, from the context hours.views._week_body gave the template."""
    timesheet, form, editable = c["timesheet"], c["form"], c["editable"]
    csrf, totals = _csrf(c["csrf_token"]), c["totals"]
    opened = (f'<form method="post" id="semaine" class="pial-timesheet">{csrf}{field_tag(form["version"])}'
              f'{field_tag(form["keys"])}') if editable else ""
    parts = [
        '\n  <div class="pial-actions fr-mb-1w">\n    <h1 class="fr-mb-0">Ma semaine</h1>\n    ',
        state_badge(timesheet),
        f'\n  </div>\n  <p class="fr-text--lead fr-mb-1w">{esc(capfirst(timesheet.label))}</p>\n'
        '  <nav class="pial-week-nav fr-mb-3w" aria-label="Autres semaines">\n    ',
        _week_link(c["previous"], "fr-icon-arrow-left-line fr-link--icon-left", "Semaine précédente"),
        "\n    ",
        _week_link(c["next"], "fr-icon-arrow-right-line fr-link--icon-right", "Semaine suivante"),
        "\n  </nav>\n\n  ", _state(timesheet), "\n\n  ", _errors(c["errors"], form, c["add_form"], c.get("add_fresh")),
        '\n\n  <dl class="pial-figures">\n'
        f"    <div><dt>Prévu à l'emploi du temps</dt><dd>{esc(duration(totals.planned))}</dd></div>\n"
        f"    <div><dt>Accompagnement déclaré</dt><dd>{esc(duration(totals.accompaniment))}</dd></div>\n"
        f"    <div><dt>Activités connexes</dt><dd>{esc(duration(totals.connexe))}</dd></div>\n"
        f"    <div><dt>Formation</dt><dd>{esc(duration(totals.training))}</dd></div>\n  </dl>\n\n  ",
        opened, "\n  ",
        *(_day(counter, day, editable) for counter, day in enumerate(c["days"], 1)),
        _CONNEXE_HEAD, _connexe(c), "\n  </section>\n  ", "</form>" if editable else "", "\n\n  ",
        _add_section(c, csrf) if editable else "", "\n\n  ", _events(c["events"]), "\n",
    ]
    return mark_safe("".join(parts))  # every value escaped above
