"""Accessible SVG charts rendered on the server: a title, a description, axis labels and a table
fallback beside each one (the page shows the same figures as a table). No JavaScript, no inline style:
colours come from classes in static/css/app.css, so they follow the light and dark schemes.
"""

import math
from itertools import count

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 64
MAX_X_LABELS = 8
_ids = count(1)


def nice_max(value: float) -> float:
    """A round axis maximum at or above value: 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _frame(chart_id: str, title: str, description: str, body: list[str], extra_class: str = "") -> Markup:
    head = (
        f'<svg class="chart{extra_class}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _axes(max_value: float, y_label: str, x_label: str) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for i in range(5):
        value = max_value * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line class="chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="chart__tick" x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{_number(value)}</text>'
        )
    parts.append(f'<line class="chart__axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}"/>')
    parts.append(
        f'<line class="chart__axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>'
    )
    parts.append(
        f'<text class="chart__label" transform="translate(14 {TOP + plot_h / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    parts.append(
        f'<text class="chart__label" x="{LEFT + (WIDTH - LEFT - RIGHT) / 2:.0f}" y="{HEIGHT - 8}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    return parts


def line_chart(
    title: str, labels: list[str], series: list[tuple[str, list[float]]], y_label: str, x_label: str
) -> Markup:
    """A line per series over labelled x positions (e.g. weeks), with a legend."""
    chart_id = f"chart-{next(_ids)}"
    names = ", ".join(name for name, _ in series)
    description = (
        f"Line chart of {names} by {x_label.lower()}"
        + (f", from {labels[0]} to {labels[-1]}" if labels else "")
        + ". The tables in this section give every figure."
    )
    top = nice_max(max((v for _, values in series for v in values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)
    body = _axes(top, y_label, x_label)
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            x = LEFT + step * i
            body.append(
                f'<text class="chart__tick" x="{x:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{escape(label)}</text>'
            )
    for n, (name, values) in enumerate(series):
        points = [(LEFT + step * i, TOP + plot_h - plot_h * v / top) for i, v in enumerate(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<g class="chart__series chart__series--{n % 6}">')
        if len(points) > 1:
            body.append(f'<polyline points="{path}" fill="none"/>')
        for (x, y), label, value in zip(points, labels, values, strict=False):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{escape(name)}, {escape(label)}: '
                f"{_number(value)}</title></circle>"
            )
        body.append("</g>")
        lx = LEFT + (n % 4) * 150
        ly = HEIGHT - 26
        body.append(
            f'<g class="chart__series chart__series--{n % 6}" aria-hidden="true">'
            f'<rect x="{lx}" y="{ly - 9}" width="12" height="12"/>'
            f'<text class="chart__legend" x="{lx + 18}" y="{ly + 1}">{escape(name)}</text></g>'
        )
    return _frame(chart_id, title, description, body)


def bar_chart(title: str, labels: list[str], values: list[float | None], value_label: str) -> Markup:
    """Horizontal bars, one per label (e.g. % of establishment per unit); None draws no bar."""
    chart_id = f"chart-{next(_ids)}"
    description = f"Bar chart of {value_label.lower()} for {len(labels)} groups. The tables in this section give every figure."
    label_w, row_h = 200, 26
    height = TOP + row_h * max(len(labels), 1) + 48
    top = nice_max(max((v for v in values if v is not None), default=0))
    plot_w = WIDTH - label_w - RIGHT - 40
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        y = TOP + i * row_h
        short = label if len(label) <= 28 else label[:27] + "…"
        body.append(
            f'<text class="chart__tick" x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(short)}</text>'
        )
        if value is not None:
            w = plot_w * value / top
            body.append(
                f'<rect class="chart__bar" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}">'
                f"<title>{escape(label)}: {_number(value)}</title></rect>"
            )
            body.append(
                f'<text class="chart__tick" x="{label_w + w + 6:.1f}" y="{y + 16}">{_number(value)}</text>'
            )
    axis_y = TOP + row_h * max(len(labels), 1)
    body.append(
        f'<line class="chart__axis" x1="{label_w}" x2="{label_w + plot_w}" y1="{axis_y}" y2="{axis_y}"/>'
    )
    for i in range(5):
        x = label_w + plot_w * i / 4
        body.append(
            f'<text class="chart__tick" x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle">{_number(top * i / 4)}</text>'
        )
    body.append(
        f'<text class="chart__label" x="{label_w + plot_w / 2:.0f}" y="{axis_y + 38}" text-anchor="middle">{escape(value_label)}</text>'
    )
    svg = _frame(chart_id, title, description, body)
    return Markup(str(svg).replace(f'viewBox="0 0 {WIDTH} {HEIGHT}"', f'viewBox="0 0 {WIDTH} {height}"', 1))
