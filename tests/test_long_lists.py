"""Every long list is paged, in one place: views page with ``ketnoi.core.paging.page_of`` and templates show
``{% pager page_obj %}``. This guard keeps the two ways the rule was broken from coming back:

- a template with its own pager (``has_other_pages``): eight hand-copied ones disagreed on ``?p=`` or
  ``?page=`` and some dropped the filters from their links;
- a view that cuts a list for display with a literal ``[:N]`` (N >= 100): the rows beyond the cap simply
  vanished. A slice that is not a displayed list (the choices of a form's picker, say) is listed below with
  its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ketnoi"
THE_PAGER = PACKAGE / "core" / "templates" / "core" / "_pager.html"
LONG = 100

# (view module, the sliced expression) -> why it is not a displayed list that should be paged.
ALLOWED_SLICES: dict[tuple[str, str], str] = {
    # The units a person may choose a document's unit from: the choices of a form field.
    (
        "ketnoi/directives/views.py",
        '_active(Unit.objects.filter(permissions.scope_q(user, "edit")))',
    ): "choices",
    # The templates offered in the "New draft" form's select.
    ("ketnoi/documents/views.py", "selectors.template_list(for_user=request.user)"): "choices",
    # The pages offered in the figures import form's select.
    ("ketnoi/pages/views.py", "pages"): "choices",
    # The units offered in the pivot's unit picker.
    ("ketnoi/reporting/views/pivot.py", "visible"): "choices",
    # The head of the plotly bundle, read for its version: text, not a list.
    ("ketnoi/core/views.py", "source"): "text",
}

# A slice of text cut to a length (a search box, a file name, a message) is not a list.
TEXT_MARKERS = (".strip()", "request.GET", "request.POST", "str(", "_(", ".name", ".message")


def _view_modules() -> list[Path]:
    found = set(PACKAGE.glob("*/views.py")) | set(PACKAGE.glob("*/views/*.py"))
    found |= set(PACKAGE.glob("*/*_views.py")) | {PACKAGE / "pages" / "public.py"}
    return sorted(p for p in found if p.exists())


def _long_literal_slices(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    out = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice)):
            continue
        cut = node.slice
        if cut.lower is not None or cut.step is not None or not isinstance(cut.upper, ast.Constant):
            continue
        if not isinstance(cut.upper.value, int) or cut.upper.value < LONG:
            continue
        sliced = ast.get_source_segment(source, node.value) or ""
        if any(marker in sliced for marker in TEXT_MARKERS):
            continue
        out.append((node.lineno, " ".join(sliced.split())))
    return out


def test_no_template_builds_its_own_pager() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in PACKAGE.rglob("templates/**/*.html")
        if p != THE_PAGER and "has_other_pages" in p.read_text(encoding="utf-8")
    ]
    assert not offenders, f"use {{% load pager %}}{{% pager page_obj %}} instead of a copy: {offenders}"


def test_no_view_cuts_a_displayed_list_at_a_literal_length() -> None:
    offenders = []
    for path in _view_modules():
        name = str(path.relative_to(ROOT))
        for line, sliced in _long_literal_slices(path):
            if (name, sliced) not in ALLOWED_SLICES:
                offenders.append(f"{name}:{line}: {sliced}[:N]")
    assert not offenders, (
        "page the list with ketnoi.core.paging.page_of (rows past the cap vanish), "
        "or add it to ALLOWED_SLICES with the reason it is not a displayed list:\n" + "\n".join(offenders)
    )


def test_the_allow_list_has_no_stale_entry() -> None:
    present = {
        (str(path.relative_to(ROOT)), sliced)
        for path in _view_modules()
        for _, sliced in _long_literal_slices(path)
    }
    assert set(ALLOWED_SLICES) <= present, set(ALLOWED_SLICES) - present


def test_the_guard_finds_a_truncated_list(tmp_path: Path) -> None:
    sample = tmp_path / "views.py"
    sample.write_text(
        "def v(request):\n"
        "    rows = Story.objects.order_by('-pk')[:300]\n"
        "    q = request.GET.get('q', '').strip()[:200]\n"
        "    few = Story.objects.all()[:10]\n",
        encoding="utf-8",
    )
    assert _long_literal_slices(sample) == [(2, "Story.objects.order_by('-pk')")]
