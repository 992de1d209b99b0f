import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from goalkeeper.documents.svg import bar_chart_svg, line_chart_svg

SVG = "{http://www.w3.org/2000/svg}"
DAYS = [dt.date(2026, 1, 1) + dt.timedelta(days=30 * n) for n in range(4)]


def parse(svg):
    # Our own output, not untrusted input.
    return ET.fromstring(svg)  # noqa: S314


def ids(svg):
    return re.findall(r'\bid="([^"]+)"', svg)


def test_line_chart_is_an_svg_element_without_prolog():
    svg = line_chart_svg([(day, float(n)) for n, day in enumerate(DAYS)], unit="EUR")
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg
    assert "<!DOCTYPE" not in svg
    assert parse(svg).tag == f"{SVG}svg"


def test_chart_has_an_accessible_title_escaped():
    svg = line_chart_svg([(DAYS[0], 1.0)], title="Revenue <&> growth")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == "Revenue <&> growth"


def test_two_charts_share_no_id():
    first = line_chart_svg([(day, 1.0) for day in DAYS], target=2.0)
    second = line_chart_svg([(day, 1.0) for day in DAYS], target=2.0)
    assert ids(first)
    assert ids(second)
    assert not set(ids(first)) & set(ids(second))


def test_every_reference_points_inside_the_chart():
    svg = bar_chart_svg(["a", "b"], [1.0, 2.0])
    references = set(re.findall(r'href="#([^"]+)"', svg)) | set(re.findall(r"url\(#([^)]+)\)", svg))
    assert references <= set(ids(svg))


def test_chart_has_no_external_reference_and_keeps_text_in_dejavu():
    svg = line_chart_svg([(day, float(n)) for n, day in enumerate(DAYS)], title="Pipeline")
    without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]+"', "", svg)
    assert "http" not in without_namespaces
    assert "DejaVu Sans" in svg


def test_missing_values_leave_a_gap_not_an_error():
    svg = line_chart_svg([(DAYS[0], 1.0), (DAYS[1], None), (DAYS[2], 3.0)])
    assert parse(svg) is not None


def test_empty_line_chart_says_there_are_no_values():
    assert "No values" in line_chart_svg([])
    assert "No values" in line_chart_svg([(DAYS[0], None)])


def test_bar_chart_paints_each_bar_in_its_colour():
    svg = bar_chart_svg(["Below 0.3", "1.0"], [3.0, 1.0], colours=["#d64545", "#1c7ed6"])
    assert "#d64545" in svg
    assert "#1c7ed6" in svg
    assert "Below 0.3" in svg


def test_bar_chart_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        bar_chart_svg(["a"], [1.0, 2.0])
    with pytest.raises(ValueError, match="colour per value"):
        bar_chart_svg(["a"], [1.0], colours=["#000", "#fff"])


def test_long_labels_are_shortened():
    svg = bar_chart_svg(["A very long team name indeed for a chart"], [1.0])
    assert "A very long team name indeed for a chart" not in svg
    assert "…" in svg
