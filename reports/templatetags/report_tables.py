"""A report's table as HTML, written in Python: the same markup as a template loop over its
cells (reports/_table.html did it), without a template node per cell — a territory's table
has hundreds of cells and the page renders several."""

import html

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

HIDDEN = ' class="pial-secret"'


def e(value) -> str:
    """As the template escapes a value (django.utils.html.conditional_escape, without its lazy
    wrapper): safe markup as it is, anything else through html.escape."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
TOTAL = ' class="pial-total"'


@register.simple_tag
def report_table(table, day):
    """The table, its rows linking to their own report on `day` (as the page is read)."""
    heads = "".join(f'<th scope="col" role="columnheader">{e(c.label)}</th>' for c in table.columns)
    parts = ['<div class="fr-table fr-table--no-caption pial-table"><table tabindex="0" '
             'class="pial-table--full pial-report-table" role="table">\n'
             f'  <caption>{e(table.title)}</caption>\n'
             f'  <thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">{e(table.first_header)}'
             f'</th>{heads}</tr></thead>\n  <tbody role="rowgroup">\n    ']
    date = day.strftime("%Y-%m-%d") if hasattr(day, "strftime") else ""
    names = [f'<td role="cell" data-label="{e(c.label)}"' for c in table.columns]  # once per column
    lines = table.all_rows
    for row in lines:
        label = e(row.label)
        if row.key and row.param and not row.is_total:
            label = f'<a href="?{e(row.param)}={e(row.key)}&amp;date={date}">{label}</a>'
        tds = "".join(f'{name}{HIDDEN if c.hidden else ""}>{e(c.text)}</td>'
                      for name, c in zip(names, table.cells(row), strict=True))
        parts.append(f'\n      <tr role="row"{TOTAL if row.is_total else ""}><th scope="row" role="rowheader">{label}'
                     f'</th>{tds}</tr>\n    ')
    if not lines:
        parts.append(f'\n      <tr role="row"><td role="cell" colspan="{len(table.columns) + 1}">Aucune donnée.</td>'
                     '</tr>\n    ')
    parts.append("\n  </tbody>\n</table></div>")
    return mark_safe("".join(parts))  # every value above is escaped
