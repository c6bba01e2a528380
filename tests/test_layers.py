"""The layers of DESIGN.md, read from the source: who may import whom, and no circle between our modules.

Every ``import`` statement is read with ``ast``, those inside functions too (a lazy import is still a
dependency), and resolved to one of our modules. A layer may import the standard library, the third-party
packages listed for it and the project modules it is allowed; anything else fails with the file and line.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("app", "budgets", "locales", "lstm_core", "datasets", "ui", "views", "benchmarks", "tests", "tools")
STDLIB = set(sys.stdlib_module_names) | {"__future__"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    files = [ROOT / "app.py"]
    for top in ("budgets", "locales", "lstm_core", "datasets", "ui", "views"):
        files += sorted((ROOT / top).rglob("*.py"))
    return {_module_name(p): p for p in files}


SOURCES = _sources()


def _is_package(name: str) -> bool:
    return SOURCES.get(name, Path()).name == "__init__.py"


def _resolve(current: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".")
    base = base if _is_package(current) else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(name: str) -> list[tuple[str, int]]:
    """(imported module, line) for every import in module ``name``; ``from pkg import sub`` counts as pkg.sub."""
    tree = ast.parse(SOURCES[name].read_text(encoding="utf-8"))
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(name, node)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.append((sub if sub in SOURCES else target, node.lineno))
    return out


def _ours(module: str) -> str | None:
    """The project module an import lands in (longest known prefix), or None for other packages."""
    parts = module.split(".")
    for k in range(len(parts), 0, -1):
        candidate = ".".join(parts[:k])
        if candidate in SOURCES:
            return candidate
    return None


# The app's computations that figures and pages share: no streamlit, no plotly, only numbers and texts.
PURE = ("ui.cell_text", "ui.cell_values", "ui.clamp_text", "ui.clamping", "ui.comparison", "ui.glossary_terms",
        "ui.cell_diagram", "ui.legibility", "ui.lesson_text", "ui.progress", "ui.reading", "ui.recipe_text",
        "ui.replay_text", "ui.tables", "ui.teaching", "ui.vanishing_text")
PURE += ("ui.attribution", "ui.explore_drivers", "ui.explore_order", "ui.explore_select", "ui.explore_text")

# (module prefix, third-party packages allowed, project prefixes allowed); the first matching rule applies.
RULES: list[tuple[str, set[str], tuple[str, ...]]] = [
    ("locales", set(), ("locales",)),
    ("lstm_core.__main__", {"pandas", "numpy", "threadpoolctl"}, ("lstm_core", "datasets", "locales")),
    ("lstm_core", {"numpy"}, ("lstm_core",)),
    ("datasets", {"numpy", "pandas"}, ("datasets",)),
    ("ui.i18n", {"streamlit"}, ("locales",)),
    # the palette module holds the gate names and colours as plain constants: pure modules may read them
    *((pure, {"numpy", "pandas"}, PURE + ("ui.i18n", "ui.plots.colors", "locales", "lstm_core")) for pure in PURE),
    ("ui.plots", {"numpy", "pandas", "plotly"}, ("ui.plots", "ui.i18n", "locales", "lstm_core", "datasets") + PURE),
    ("ui.workers.tasks", {"numpy", "threadpoolctl"}, ("ui.workers", "lstm_core", "locales")),
    ("ui", {"numpy", "pandas", "plotly", "streamlit", "threadpoolctl"}, ("ui", "lstm_core", "datasets", "locales")),
    ("views", {"numpy", "pandas", "plotly", "streamlit"}, ("ui", "lstm_core", "datasets", "locales")),
    ("app", {"streamlit"}, ("ui", "views", "locales")),
]
# ``budgets``, the table of limits, imports only the standard library (like ``locales``): every layer may import it.
RULES = [("budgets", set(), ("budgets",))] + [(prefix, third, (*ours, "budgets")) for prefix, third, ours in RULES]


def _rule(name: str):
    for prefix, third, ours in RULES:
        if name == prefix or name.startswith(prefix + "."):
            return third, ours
    raise AssertionError(f"no layer rule for {name}")


def _allowed(module: str, allowed: tuple[str, ...]) -> bool:
    return any(module == a or module.startswith(a + ".") for a in allowed)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_module_imports_only_its_layer(name):
    third, ours = _rule(name)
    bad = []
    for imported, line in _imports(name):
        top = imported.split(".")[0]
        target = _ours(imported)
        if target is None and top in OURS:
            bad.append(f"line {line}: {imported} (not a module of ours)")
        elif target is not None:
            if not _allowed(target, ours):
                bad.append(f"line {line}: {target}")
        elif top not in STDLIB and top not in third:
            bad.append(f"line {line}: {imported} (third-party)")
    assert not bad, f"{name} reaches outside its layer: {bad}"


def test_no_import_cycle():
    graph = {name: {t for m, _ in _imports(name) if (t := _ours(m)) and t != name} for name in SOURCES}
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def test_rules_see_the_known_edges():
    # The walker itself: a lazy import inside a function counts, and `from pkg import sub` lands on the submodule.
    edges = {m for m, _ in _imports("lstm_core.__main__")}
    assert "datasets" in edges
    assert "locales" in edges
    assert _ours("ui.plots.gates") == "ui.plots.gates"
    assert "budgets" in {m for m, _ in _imports("lstm_core.io")}  # the core reads its limits from the table
    assert _rule("budgets") == (set(), ("budgets",))
