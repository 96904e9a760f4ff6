"""The import graph of the product, and the layering rules it must keep.

    python tools/import_graph.py            prints the graph between apps and any broken rule (exit 1)
    python tools/import_graph.py --dot      the graph between apps in Graphviz's dot language

Every ``import`` of ``ketnoi`` code counts, at module level or inside a function (a lazy import is still a
dependency); only imports under ``if TYPE_CHECKING:`` (type hints) do not. Tests and migrations are left out.

Rules:
1. The foundation (``ketnoi.core`` and ``ketnoi.lib``) imports no app.
2. No app imports ``ketnoi.site`` (the layer above the apps).
3. The apps form no cycle: the graph between apps is acyclic (the foundation counts as one layer).
4. A selectors module never imports a services module (reads do not depend on writes).
5. No product module is longer than ``MAX_LINES`` lines.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ketnoi"
FOUNDATION = {"lib", "core"}
MAX_LINES = 800
# Modules of the package root that are not an app: wiring read by Django and the command line.
ROOT_MODULES = {"settings", "asgi", "wsgi", "cli", "formats"}


def product_modules() -> dict[str, Path]:
    """Dotted name -> file, for every product module (tests and migrations left out)."""
    out: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(module: str, path: Path) -> set[str]:
    """The ``ketnoi`` modules (or packages) one module imports at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("ketnoi"))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - child.level + 1]
                    target = ".".join([*base, child.module] if child.module else base)
                else:
                    target = child.module or ""
                if target.startswith("ketnoi"):
                    found.add(target)
                    found.update(f"{target}.{a.name}" for a in child.names)
            visit(child)

    visit(tree)
    return found


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in ROOT_MODULES:
        return None
    return parts[1]


def build() -> tuple[dict[str, set[str]], dict[tuple[str, str], list[str]], dict[str, Path]]:
    """(module graph, app edges with the module imports behind each, modules)."""
    modules = product_modules()
    graph: dict[str, set[str]] = {}
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, path in modules.items():
        targets = {t for t in imports_of(name, path) if t in modules}
        graph[name] = targets
        src = app_of(name)
        for target in sorted(targets):
            dst = app_of(target)
            if src and dst and src != dst:
                edges[(src, dst)].append(f"{name} -> {target}")
    return graph, edges, modules


def app_cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one app (Tarjan)."""
    apps = sorted({a for e in edges for a in e})
    succ: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        succ[a].append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    groups: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in succ[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for app in apps:
        if app not in index:
            strong(app)
    return groups


def layer_problems(edges: dict[tuple[str, str], list[str]]) -> list[str]:
    """Rules 1 to 3, on the graph between apps."""
    out: list[str] = []
    for (src, dst), why in sorted(edges.items()):
        if src in FOUNDATION and dst not in FOUNDATION:
            out.append(f"rule 1: {src} imports {dst}: {'; '.join(why)}")
        if dst == "site":
            out.append(f"rule 2: {src} imports the site layer: {'; '.join(why)}")
    for group in app_cycles({e: w for e, w in edges.items() if not set(e) <= FOUNDATION}):
        inside = [f"{a}->{b}: {edges[(a, b)][0]}" for a in group for b in group if (a, b) in edges]
        out.append(f"rule 3: the apps {', '.join(group)} import each other: {'; '.join(inside)}")
    return out


def problems() -> list[str]:
    """Every broken rule, one line each (empty when the layout is right)."""
    graph, edges, modules = build()
    out = layer_problems(edges)
    for name, targets in sorted(graph.items()):
        if name.rsplit(".", 1)[-1].startswith("selectors") or ".selectors." in name:
            for target in sorted(targets):
                if ".services" in target:
                    out.append(f"rule 4: {name} imports {target}")
    for name, path in sorted(modules.items()):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            out.append(f"rule 5: {name} has {lines} lines (at most {MAX_LINES})")
    return out


def main(argv: list[str]) -> int:
    _graph, edges, _modules = build()
    if "--dot" in argv:
        sys.stdout.write("digraph apps {\n")
        for src, dst in sorted(edges):
            sys.stdout.write(f'  "{src}" -> "{dst}";\n')
        sys.stdout.write("}\n")
        return 0
    for (src, dst), why in sorted(edges.items()):
        sys.stdout.write(f"{src} -> {dst}  ({len(why)} imports)\n")
    found = problems()
    for line in found:
        sys.stdout.write(f"BROKEN {line}\n")
    sys.stdout.write("layout ok\n" if not found else f"{len(found)} broken rule(s)\n")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
