"""The house rules, read from the source: one-way imports, SQL only in the store, pure exporters and parsers.

Data flows one way: fetch -> parsers (pure) -> merge (pure) -> store (the only SQL, no Flask) ->
planning / notes / exports (pure) -> views (Flask) and cli (click). Each test names the file and line
that breaks a rule.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "conference"
# The web layer and the tools that drive the whole app: the package's wiring (conference/__init__.py),
# the CLI, the language setup, the views and the benchmark.
WEB = ("conference.cli", "conference.i18n", "conference.views", "conference.bench")
FLASK = ("flask", "flask_babel", "flask_wtf", "werkzeug")
# Pure: no database, no network, no Flask.
PURE = (
    "conference.errors",
    "conference.messages",
    "conference.model",
    "conference.links",
    "conference.parsers",
    "conference.merge",
    "conference.planning",
    "conference.notes",
    "conference.grid",
    "conference.text",
    "conference.cache",
    "conference.exports",
    "conference.media",  # Pillow: bytes in, bytes out
)
IMPURE = ("flask", "flask_babel", "flask_wtf", "werkzeug", "sqlite3", "sqlite_utils", "requests", "urllib3", "socket")
SQL = re.compile(r"\.execute\(|\.query\(|\bdb\[|\.rows_where\(|\bsqlite3\.connect\(")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def imports(name: str) -> list[tuple[str, int, list[str]]]:
    """(imported module, line, names taken from it) for every import in the module, lazy ones included."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [alias.name for alias in node.names]
            submodules = [n for n in names if f"{base}.{n}" in MODULES]  # `from . import store`
            if len(submodules) < len(names):  # names defined in `base` itself
                found.append((base, node.lineno, [n for n in names if n not in submodules]))
            found += [(f"{base}.{n}", node.lineno, []) for n in submodules]
    return found


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name in MODULES:
        targets = set()
        for target, _line, _names in imports(name):
            # the package's __init__ runs first: importing conference.store.x depends on conference.store
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("conference"):
                targets.add(target)
        edges[name] = targets
    return edges


def test_nothing_imports_in_a_circle():
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name)


def test_only_the_store_runs_sql():
    offenders = []
    for name, path in MODULES.items():
        if within(name, ("conference.store",)):
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if SQL.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_store_and_everything_below_the_web_layer_never_import_flask():
    below = [name for name in MODULES if name != "conference" and not within(name, WEB)]
    assert "conference.store.timetable" in below and "conference.importer" in below
    offenders = [
        f"{MODULES[name].relative_to(ROOT)}:{line}: {target}"
        for name in below
        for target, line, _names in imports(name)
        if target.split(".")[0] in FLASK
    ]
    assert offenders == []


def test_parsers_merge_planning_notes_and_exporters_are_pure():
    offenders = [
        f"{MODULES[name].relative_to(ROOT)}:{line}: {target}"
        for name in MODULES
        if within(name, PURE)
        for target, line, _names in imports(name)
        if target.split(".")[0] in IMPURE or within(target, ("conference.store", "conference.fetch", *WEB))
    ]
    assert offenders == []


def test_only_fetch_uses_the_network_and_nobody_reaches_into_parser_helpers():
    offenders = []
    for name in MODULES:
        for target, line, _names in imports(name):
            where = f"{MODULES[name].relative_to(ROOT)}:{line}: {target}"
            network = target.split(".")[0] in ("requests", "urllib3")
            # the benchmark is an HTTP client of the app it measures
            if network and name != "conference.fetch" and not within(name, ("conference.bench",)):
                offenders.append(where)
            inside_parsers = within(target, ("conference.parsers",)) and target != "conference.parsers"
            if inside_parsers and not within(name, ("conference.parsers",)):
                offenders.append(where)
    assert offenders == []


def test_no_module_imports_another_modules_private_names():
    offenders = [
        f"{MODULES[name].relative_to(ROOT)}:{line}: {target}.{n}"
        for name in MODULES
        for target, line, names in imports(name)
        for n in names
        if n.startswith("_") and n != "__future__" and target.startswith("conference") and target != name
    ]
    assert offenders == []
