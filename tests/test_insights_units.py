"""The small pieces of the dashboard: accessible SVG charts, the privacy rule, table formatting."""

from datetime import timedelta
from xml.etree import ElementTree

from app.insights import charts
from app.insights.privacy import suppress
from app.insights.tables import cell, human_duration, percent

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def test_a_line_chart_has_a_title_description_axes_and_escaped_text():
    svg = parse(
        charts.line_chart(
            "Posts <per> week", ["1 Jan", "8 Jan"], [("Posts & replies", [3, 7])], "Count", "Week starting"
        )
    )
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert (
        title.text == "Posts <per> week" and "Posts & replies" in desc.text and "1 Jan to 8 Jan" in desc.text
    )
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Count" in labels and "Week starting" in labels and "10" in labels  # axis max rounded up from 7
    assert len(list(svg.iter(f"{SVG}circle"))) == 2 and svg.find(f".//{SVG}polyline") is not None
    assert 'style="' not in str(charts.line_chart("t", ["a"], [("s", [1])], "y", "x"))  # the CSP forbids it


def test_bar_charts_skip_missing_values_and_grow_with_their_rows():
    svg = parse(
        charts.bar_chart(
            "Share",
            ["Response", "Control", "A very long unit name that goes on and on"],
            [60.0, None, 5.5],
            "% of establishment",
        )
    )
    assert len(list(svg.iter(f"{SVG}rect"))) == 2
    assert svg.get("viewBox").split()[-1] == str(16 + 26 * 3 + 48)
    assert any(t.text and t.text.endswith("…") for t in svg.iter(f"{SVG}text"))


def test_chart_ids_are_unique_on_a_page():
    a, b = parse(charts.line_chart("a", [], [], "y", "x")), parse(charts.line_chart("b", [], [], "y", "x"))
    assert a.find(f"{SVG}title").get("id") != b.find(f"{SVG}title").get("id")


def test_nice_axis_maxima():
    assert [charts.nice_max(v) for v in (0, 0.3, 1, 7, 10, 11, 45, 101, 2600)] == [
        1,
        0.5,
        1,
        10,
        10,
        20,
        50,
        200,
        5000,
    ]


def rows(*sizes):
    return [{"label": f"g{i}", "n": n} for i, n in enumerate(sizes)]


def test_small_groups_are_combined_and_never_alone():
    shown, combined = suppress(rows(10, 3, 4), lambda r: r["n"], 5, "Small", ["n"])
    assert (
        [r["label"] for r in shown] == ["g0"]
        and combined["n"] == 7
        and combined["label"] == "Small (2 combined)"
    )


def test_one_small_group_pulls_in_the_smallest_shown_one():
    shown, combined = suppress(rows(10, 6, 2), lambda r: r["n"], 5, "Small", ["n"])
    assert [r["label"] for r in shown] == ["g0"] and combined["n"] == 8


def test_small_groups_that_cannot_reach_the_threshold_are_only_in_the_total():
    shown, combined = suppress(rows(2, 1), lambda r: r["n"], 5, "Small", ["n"])
    assert shown == [] and combined is None


def test_nothing_changes_when_every_group_is_big_enough():
    data = rows(5, 9)
    assert suppress(data, lambda r: r["n"], 5, "Small", ["n"]) == (data, None)


def test_cells_and_durations():
    assert [cell(None, "int"), cell(1234, "int"), cell(53.33, "pct")] == ["—", "1,234", "53%"]
    assert [human_duration(timedelta(seconds=s)) for s in (10, 600, 7200, 7500, 90000, 172800)] == [
        "under a minute",
        "10 min",
        "2 h",
        "2 h 5 min",
        "1 day 1 h",
        "2 days",
    ]
    assert percent(1, 0) is None and percent(None, 3) is None and percent(1, 4) == 25.0
