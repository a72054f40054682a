"""The layout shows the architecture: the folders the README names are the tree, imports have no cycle, modules
stay small, and the core stays headless."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kdlab", "ui")
MAX_LINES = 300
# The UI text tables are data, not logic; every module of logic stays under MAX_LINES.
LONG_BY_DESIGN: set[str] = set()
FAMILIES = ("kdlab/data/", "kdlab/models/", "kdlab/losses/", "ui/text/")  # one module per family: not listed
# The package order, lowest first: a module imports only from its own layer or a lower one. The README states it.
LAYERS = ("core", "runs", "policy", "compress", "viz", "sweeps", "serve", "cli", "ui")


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the project's packages."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that ``name`` imports anywhere in its file (top level or inside a function)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {t for t in targets if t in known and t != name}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in ``graph`` as a list of names (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_package_imports_have_no_cycle():
    found = modules()
    graph = {name: imports_of(name, path, set(found)) for name, path in found.items()}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def layer_of(name: str) -> str:
    """A module's layer: its subpackage of kdlab when that is a layer, ``ui`` for the pages' helpers, ``cli`` for
    ``python -m kdlab``'s entry, else the core (data, models, losses, training, the modules at kdlab's top)."""
    parts = name.split(".")
    if parts[0] == "ui":
        return "ui"
    if parts[1:2] == ["__main__"]:
        return "cli"
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "core"


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a module from a higher layer than its own, as ``"a (layer) -> b (layer)"``."""
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    return sorted(f"{a} ({layer_of(a)}) -> {b} ({layer_of(b)})" for a, targets in graph.items() for b in targets
                  if rank[layer_of(b)] > rank[layer_of(a)])


def test_imports_only_go_down_the_declared_layers():
    found = modules()
    graph = {name: imports_of(name, path, set(found)) for name, path in found.items()}
    assert upward_imports(graph) == []


def test_the_layer_check_finds_a_planted_upward_import():
    found = modules()
    graph = {name: imports_of(name, path, set(found)) for name, path in found.items()}
    graph["kdlab.train"] = graph["kdlab.train"] | {"kdlab.runs.store"}  # the core reaching up into the run store
    graph["kdlab.policy.settings"] = graph["kdlab.policy.settings"] | {"kdlab.serve.jobs"}
    assert upward_imports(graph) == ["kdlab.policy.settings (policy) -> kdlab.serve.jobs (serve)",
                                     "kdlab.train (core) -> kdlab.runs.store (runs)"]


def test_the_readme_states_the_layer_order():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert " < ".join(LAYERS) in text


def test_the_cycle_finder_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_of_logic_is_over_300_lines():
    long = {str(path.relative_to(ROOT)): n for path in modules().values()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert set(long) <= LONG_BY_DESIGN | {p for p in long if p.startswith("ui/text/")}, long


def test_the_core_imports_neither_streamlit_nor_plotly():
    offenders = []
    for name, path in modules().items():
        if not name.startswith("kdlab") or (name.startswith("kdlab.viz.") and "figures" in name.split(".")[2]):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{name}: {n}" for n in names if n.split(".")[0] in ("streamlit", "plotly")]
    assert offenders == []


def readme_layout() -> set[str]:
    """The paths the README's layout block names, rebuilt from its indentation ("  runs/" under "kdlab/")."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    paths, parents = set(), []
    for line in block.splitlines():
        match = re.match(r"^( *)(\S+)", line)
        if not match or len(line) - len(line.lstrip()) > 8:  # a continuation line of a description
            continue
        depth = len(match.group(1)) // 2
        names = [n.strip() for n in match.group(2).split(",")]
        parents = parents[:depth]
        for n in names:
            paths.add("".join(parents) + n)
        parents.append(names[-1] if names[-1].endswith("/") else "")
    return paths


def test_the_readme_layout_matches_the_tree():
    listed = readme_layout()
    missing_on_disk = sorted(p for p in listed if not (ROOT / p).exists())
    assert missing_on_disk == []
    expected = set()
    for path in modules().values():
        rel = path.relative_to(ROOT).as_posix()
        if path.name != "__init__.py" and not rel.startswith(FAMILIES) and rel != "kdlab/__main__.py":
            expected.add(rel)
        for parent in path.relative_to(ROOT).parents:
            if parent.as_posix() != ".":
                expected.add(parent.as_posix() + "/")
    assert sorted(expected - listed) == []


@pytest.mark.parametrize("path", ["kdlab/train.py", "kdlab/runs/store.py"])
def test_the_layout_parser_reads_nested_entries(path):
    assert path in readme_layout()
