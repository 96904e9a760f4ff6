"""The layering of the product holds: ``tools/import_graph.py`` finds no broken rule.

The foundation (``core``, ``lib``) imports no app, no app imports the site layer, the apps import each
other without a cycle, selectors never import services, and no product module is over the line limit.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parents[1] / "tools" / "import_graph.py"


@pytest.fixture(scope="module")
def import_graph() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_graph", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_graph"] = module
    spec.loader.exec_module(module)
    return module


def test_the_product_keeps_its_layers_and_has_no_import_cycle(import_graph: ModuleType) -> None:
    assert import_graph.problems() == []


def test_the_check_sees_a_cycle_and_a_foundation_that_imports_an_app(import_graph: ModuleType) -> None:
    edges = {
        ("pages", "units"): ["ketnoi.pages.x -> ketnoi.units.y"],
        ("units", "pages"): ["ketnoi.units.y -> ketnoi.pages.x"],
        ("core", "units"): ["ketnoi.core.z -> ketnoi.units.y"],
        ("reporting", "site"): ["ketnoi.reporting.w -> ketnoi.site.api"],
    }
    found = import_graph.layer_problems(edges)
    assert [line.split(":")[0] for line in found] == ["rule 1", "rule 2", "rule 3"]
    assert "pages, units" in found[2]


def test_lazy_imports_count_and_type_hints_do_not(import_graph: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ketnoi.units.models import Unit\n"
        "def f():\n    from ketnoi.pages import services\n"
    )
    found = import_graph.imports_of("ketnoi.x.m", source)
    assert "ketnoi.pages.services" in found
    assert not any(name.startswith("ketnoi.units") for name in found)
