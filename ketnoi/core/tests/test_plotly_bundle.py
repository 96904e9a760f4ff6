"""The charts' script is plotly.js's partial bundle at the version tools/plotly_basic.sh names, and it holds
every trace type the product draws."""

from __future__ import annotations

import re
from pathlib import Path

from ketnoi.core.views import PLOTLY_BUNDLE, PLOTLY_VERSION, bundle_version

ROOT = Path(__file__).resolve().parents[2]
BASIC_TRACES = {"scatter", "bar", "pie"}


def test_the_vendored_bundle_is_the_version_the_script_names() -> None:
    script = (ROOT.parent / "tools" / "plotly_basic.sh").read_text()
    named = re.search(r"^VERSION=(\S+)$", script, re.MULTILINE)
    assert named and bundle_version(PLOTLY_BUNDLE.read_text()) == named.group(1) == PLOTLY_VERSION


def test_the_partial_bundle_is_small() -> None:
    assert PLOTLY_BUNDLE.stat().st_size < 1_500_000  # the full bundle is 4,8 MB


def test_every_trace_type_the_product_draws_is_in_the_bundle() -> None:
    drawn: set[str] = set()
    for path in ROOT.rglob("*"):
        skipped = {"vendor", "tests"} & set(path.parts)
        if path.suffix in {".py", ".html", ".js"} and not skipped:
            text = path.read_text(encoding="utf-8", errors="replace")
            drawn |= set(re.findall(r"""["']?type["']?\s*[:=]\s*["'](\w+)["']""", text)) & _TRACE_NAMES
    assert drawn and drawn <= BASIC_TRACES, drawn - BASIC_TRACES


_TRACE_NAMES = {
    "scatter", "bar", "pie", "heatmap", "histogram", "box", "violin", "scattergl", "choropleth", "sunburst",
    "treemap", "funnel", "waterfall", "indicator", "table", "sankey", "scattergeo", "contour", "histogram2d",
}  # fmt: skip
