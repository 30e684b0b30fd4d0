"""A report's table as HTML, written in Python: the same markup as a template loop over its
cells (reports/_table.html did it), without a template node per cell — a territory's table
has hundreds of cells and the page renders several."""

from django import template
from django.utils.html import conditional_escape as e
from django.utils.safestring import mark_safe

register = template.Library()

HIDDEN = ' class="pial-secret"'
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
    lines = table.labelled_lines
    for row, cells in lines:
        label = e(row.label)
        if row.key and row.param and not row.is_total:
            label = f'<a href="?{e(row.param)}={e(row.key)}&amp;date={date}">{label}</a>'
        tds = "".join(f'<td role="cell" data-label="{e(name)}"{HIDDEN if c.hidden else ""}>{e(c.text)}</td>'
                      for name, c in cells)
        parts.append(f'\n      <tr role="row"{TOTAL if row.is_total else ""}><th scope="row" role="rowheader">{label}'
                     f'</th>{tds}</tr>\n    ')
    if not lines:
        parts.append(f'\n      <tr role="row"><td role="cell" colspan="{len(table.columns) + 1}">Aucune donnée.</td>'
                     '</tr>\n    ')
    parts.append("\n  </tbody>\n</table></div>")
    return mark_safe("".join(parts))  # every value above is escaped
