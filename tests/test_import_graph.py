"""Arrows one way (STYLE.md): no import cycle among the project's modules, and each app
imports only the apps below it.

The graph is read from the source with ``ast``, so it holds every import, also those inside
functions: an import moved into a function to dodge a cycle is still an arrow, and still
fails here. ``from a.b import c`` is an arrow to the module ``a.b.c`` when there is one, else
to ``a.b``; importing ``a.b.c`` from outside the package ``a.b`` is an arrow to ``a.b`` too
(Python runs ``a/b/__init__.py`` first). Migrations are left out (they import nothing of the
apps but what they name).
"""

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Which apps each app's code may import: kb at the bottom, insights at the top (nothing
# imports it). forum and search use each other: the ask form asks ``search.api`` for answers
# while the question is typed, and search indexes forum threads; their modules still point
# one way (the cycle test holds that).
MAY_IMPORT = {
    "site_config": set(),  # its utilities; its wiring modules (below) may import any app
    "kb": {"site_config"},
    "forum": {"site_config", "kb", "search"},
    "search": {"site_config", "kb", "forum"},
    "support": {"site_config", "kb", "forum"},
    "team": {"site_config", "forum"},
    "insights": {"site_config", "kb", "forum", "search", "support"},
}

# site_config's modules that put the apps together, and so may import any of them: the URL
# configuration, the app's ready(), sign-up (allauth adapter and form: a member's forum
# profile), the demo accounts, the health checks (the search engine) and the site-wide pages
# (the 404 page's popular articles). Settings, wsgi/asgi and load_demo name apps only as
# strings.
WIRING = {
    "site_config.adapter",
    "site_config.apps",
    "site_config.demo",
    "site_config.forms",
    "site_config.health",
    "site_config.urls",
    "site_config.views",
}


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    where: str  # file:line of the import
    note: str = ""

    def __str__(self) -> str:
        note = f" ({self.note})" if self.note else ""
        return f"{self.source} -> {self.target}  {self.where}{note}"


def project_modules(root: Path, apps) -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``apps`` but their migrations."""
    found = {}
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports_in(path: Path, package: str):
    """(dotted name, line, function or None) for every import in the file, nested ones too;
    ``from a import b`` gives ``a.b``, relative imports are made absolute."""

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from visit(child, child.name)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno, function
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:  # relative to the importing module's package
                    parts = package.split(".")
                    anchor = parts[: len(parts) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    yield f"{base}.{alias.name}", child.lineno, function
            yield from visit(child, function)

    yield from visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), None)


def import_graph(root: Path, modules: dict[str, Path]) -> dict[str, dict[str, list[Arrow]]]:
    """module -> {module it imports: [the imports that make the arrow]}."""

    def resolve(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    graph: dict[str, dict[str, list[Arrow]]] = {name: defaultdict(list) for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for dotted, line, function in imports_in(path, package):
            target = resolve(dotted)
            if target is None or target == name:
                continue
            where = f"{path.relative_to(root)}:{line}"
            note = f"inside {function}()" if function else ""
            _add(graph[name][target], Arrow(name, target, where, note))
            # From outside a package, importing one of its modules runs its __init__.py first.
            parent = target.rpartition(".")[0]
            while parent:
                if parent in modules and not (name == parent or name.startswith(parent + ".")):
                    ran = f"runs {parent.replace('.', '/')}/__init__.py first"
                    why = f"{note}, {ran}" if note else ran
                    _add(graph[name][parent], Arrow(name, parent, where, why))
                parent = parent.rpartition(".")[0]
    return graph


def _add(arrows: list[Arrow], arrow: Arrow) -> None:
    # One arrow per import statement, however many names it takes.
    if all(known.where != arrow.where for known in arrows):
        arrows.append(arrow)


def cycles(graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph)))
    try:
        for node in sorted(graph):
            if node not in index:
                connect(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def describe(component: list[str], graph) -> str:
    members = set(component)
    arrows = [
        str(arrow)
        for source in component
        for target in sorted(set(graph[source]) & members)
        for arrow in graph[source][target]
    ]
    return f"{len(component)} modules: {', '.join(component)}\n    " + "\n    ".join(arrows)


def apps_of(root: Path) -> list[str]:
    """The project's apps: the top-level packages with an ``apps.py``."""
    return sorted(path.parent.name for path in root.glob("*/apps.py"))


def test_no_module_is_part_of_an_import_cycle():
    graph = import_graph(ROOT, project_modules(ROOT, apps_of(ROOT)))
    found = cycles(graph)
    assert not found, (
        "Import cycles (each arrow is an import; one inside a function counts too). Move "
        "what both sides need to a module below them, or let the caller above do the work:\n"
        + "\n".join(describe(component, graph) for component in found)
    )


def test_every_app_imports_only_the_apps_below_it():
    apps = apps_of(ROOT)
    assert set(apps) == set(MAY_IMPORT), "a new app: say in MAY_IMPORT which apps it may import"
    modules = project_modules(ROOT, apps)
    graph = import_graph(ROOT, modules)
    assert not WIRING - set(modules), WIRING - set(modules)
    wrong = []
    for source, targets in graph.items():
        app = source.split(".")[0]
        for target, arrows in targets.items():
            other = target.split(".")[0]
            if source in WIRING or other == app:
                if app == "site_config" and source not in WIRING and target in WIRING:
                    wrong += arrows  # a utility reaching the apps through the wiring
                continue
            if other not in MAY_IMPORT[app]:
                wrong += arrows
    assert not wrong, "Imports against the layering (MAY_IMPORT):\n    " + "\n    ".join(
        sorted(map(str, wrong))
    )


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path):
    """What the tests above rely on: the arrows hidden in functions, in ``from a import
    module`` and in a package's ``__init__.py`` are all seen."""
    _write(
        tmp_path,
        {
            "low/__init__.py": "",
            "low/models/__init__.py": "from low.models.pages import Page\n",
            "low/models/pages.py": "def serve():\n    from low import views\n",
            "low/models/feedback.py": "",
            "low/views.py": "from low.models import feedback\n",
            "high/__init__.py": "",
            "high/services.py": "from high import tasks\n",
            "high/tasks.py": "from .services import *\n",
        },
    )
    graph = import_graph(tmp_path, project_modules(tmp_path, ["low", "high"]))
    found = cycles(graph)
    assert found == [
        ["high.services", "high.tasks"],
        ["low.models", "low.models.pages", "low.views"],
    ]
    message = describe(found[1], graph)
    assert "low/models/pages.py:2 (inside serve())" in message
    assert "low/views.py:1 (runs low/models/__init__.py first)" in message
