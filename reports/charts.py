"""Charts drawn on the server as SVG (no script, no CDN): each has a title and a text
summary for screen readers, scales to the width of a phone, and sits beside its data
table on the page. Pure functions: data in, markup out."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BLUE, LIGHT, GREY, RED, TEXT = "#000091", "#cacafb", "#929292", "#c9191e", "#161616"
WIDTH = 400  # narrow: on a 360 px phone the text stays readable (about 11 px)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: hidden (secret) or not applicable
    text: str


def _frame(chart_id: str, title: str, summary: str, height: int, body: str) -> SafeString:
    return mark_safe(
        f'<svg class="pial-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-titre {chart_id}-resume" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-titre">{escape(title)}</title><desc id="{chart_id}-resume">{escape(summary)}</desc>'
        f'{body}</svg>')


def bars(chart_id: str, title: str, summary: str, items: list[Bar], maximum: float = 100) -> SafeString:
    """Horizontal bars, one a row: the whole label on its own line above the bar (never cut),
    the value written at the end of the bar's track."""
    row, label_height, left = 46, 18, 4
    track = WIDTH - left - 70
    height = max(row * len(items) + 10, 40)
    scale = track / (maximum or 1)
    body = []
    for index, item in enumerate(items):
        y = 5 + index * row
        body.append(f'<text x="{left}" y="{y + 13}" font-size="15" fill="{TEXT}">{escape(item.label)}</text>')
        body.append(f'<rect x="{left}" y="{y + label_height}" width="{track}" height="20" fill="#eeeeee"/>')
        if item.value is not None:
            width = max(min(item.value, maximum), 0) * scale
            body.append(f'<rect x="{left}" y="{y + label_height}" width="{width:.1f}" height="20" fill="{BLUE}"/>')
        body.append(f'<text x="{left + track + 6}" y="{y + label_height + 15}" font-size="15" fill="{TEXT}">'
                    f'{escape(item.text)}</text>')
    return _frame(chart_id, title, summary, height, "".join(body))


def paired_bars(chart_id: str, title: str, summary: str, items: list[tuple[str, float, float]],
                legend: tuple[str, str]) -> SafeString:
    """Two bars a row (e.g. ETP available, ETP placed), with a legend."""
    row, label_width = 60, 4  # the label on its own line, then the two bars
    maximum = max([max(a, b or 0) for _, a, b in items] + [1])
    scale = (WIDTH - label_width - 60) / maximum
    body = [f'<rect x="{label_width}" y="4" width="12" height="12" fill="{LIGHT}" stroke="{BLUE}"/>'
            f'<text x="{label_width + 18}" y="15" font-size="14" fill="{TEXT}">{escape(legend[0])}</text>'
            f'<rect x="{label_width + 160}" y="4" width="12" height="12" fill="{BLUE}"/>'
            f'<text x="{label_width + 178}" y="15" font-size="14" fill="{TEXT}">{escape(legend[1])}</text>']
    for index, (label, first, second) in enumerate(items):
        y = 26 + index * row + 16
        body.append(f'<text x="{label_width}" y="{y - 2}" font-size="15" fill="{TEXT}">{escape(label)}</text>')
        body.append(f'<rect x="{label_width}" y="{y + 2}" width="{first * scale:.1f}" height="16" fill="{LIGHT}" '
                    f'stroke="{BLUE}"/><text x="{label_width + first * scale + 6:.1f}" y="{y + 15}" font-size="13" '
                    f'fill="{TEXT}">{_num(first)}</text>')
        if second is None:  # secret: no bar, the one label
            body.append(f'<text x="{label_width}" y="{y + 33}" font-size="13" fill="{TEXT}">secret</text>')
        else:
            body.append(f'<rect x="{label_width}" y="{y + 20}" width="{second * scale:.1f}" height="16" '
                        f'fill="{BLUE}"/><text x="{label_width + second * scale + 6:.1f}" y="{y + 33}" '
                        f'font-size="13" fill="{TEXT}">{_num(second)}</text>')
    return _frame(chart_id, title, summary, 46 + row * len(items), "".join(body))


DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")  # told apart without colour


def line(chart_id: str, title: str, summary: str, points: list[tuple[datetime.date, float | None]],
         others: list[tuple[str, list[float | None]]] | None = None, name: str = "Ensemble") -> SafeString:
    """A count per week, one line per series (the territory, then its parts), whole-number
    ticks; a hidden week (secret) leaves a gap in its line."""
    series = [(name, [v for _, v in points]), *(others or [])]
    series = [(label, values) for label, values in series if any(v is not None for v in values)]
    legend = 18 * len(series) if len(series) > 1 else 0
    height, left, bottom, top = 220 + legend, 50, 30, 12 + legend
    values = [v for _, vs in series for v in vs if v is not None]
    ticks = _integer_ticks(max([*values, 1]))
    maximum = ticks[-1]
    step = (WIDTH - left - 20) / max(len(points) - 1, 1)
    plot = height - bottom - top

    def y(value: float) -> float:
        return top + plot - value / maximum * plot

    body = [f'<line x1="{left}" y1="{top + plot}" x2="{WIDTH - 10}" y2="{top + plot}" stroke="{GREY}"/>']
    for tick in ticks:
        body.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="13" fill="{TEXT}">'
                    f'{tick}</text><line x1="{left}" y1="{y(tick):.1f}" x2="{WIDTH - 10}" y2="{y(tick):.1f}" '
                    f'stroke="#e5e5e5"/>')
    for index, (day, _) in enumerate(points):
        if index % max(len(points) // 5, 1) == 0:
            body.append(f'<text x="{left + index * step:.1f}" y="{height - 10}" text-anchor="middle" font-size="13" '
                        f'fill="{TEXT}">{day:%d/%m}</text>')
    for number, (label, values_) in enumerate(series):
        dash = DASHES[number % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if len(series) > 1:
            ly = 10 + 18 * number
            body.append(f'<line x1="{left}" y1="{ly}" x2="{left + 30}" y2="{ly}" stroke="{BLUE}" stroke-width="2"'
                        f'{dash_attr}/><text x="{left + 36}" y="{ly + 4}" font-size="14" fill="{TEXT}">'
                        f'{escape(label)}</text>')
        segment: list[str] = []
        segments = []
        for index, value in enumerate(values_):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{left + index * step:.1f},{y(value):.1f}")
            body.append(f'<circle cx="{left + index * step:.1f}" cy="{y(value):.1f}" r="3" fill="{BLUE}"/>')
        if segment:
            segments.append(segment)
        body.extend(f'<polyline points="{" ".join(s)}" fill="none" stroke="{BLUE}" stroke-width="2"{dash_attr}/>'
                    for s in segments)
    if not points:
        body.append(f'<text x="{WIDTH / 2}" y="{height / 2}" text-anchor="middle" font-size="15" fill="{TEXT}">'
                    'Pas encore de chiffres hebdomadaires.</text>')
    return _frame(chart_id, title, summary, height, "".join(body))


def _integer_ticks(maximum: float) -> list[int]:
    """0, then whole steps of 1, 2 or 5 × 10ⁿ up to at least `maximum`: a count axis never
    reads « 9,5 »."""
    step = 1
    while maximum / step > 5:
        for factor in (2, 5, 10):
            if maximum / (step * factor) <= 5:
                step *= factor
                break
        else:
            step *= 10
    top = -(-int(maximum) // step) * step
    return list(range(0, max(top, step) + 1, step))


def _num(value: float) -> str:
    return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",").removesuffix(",0")
