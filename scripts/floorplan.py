# SPDX-License-Identifier: EUPL-1.2
"""The floor plan counted from the code.

Prints the imports between apps in production modules (tests and migrations left out), the
imports of another app's models outside models.py, and the import cycles between apps.
import-linter (`make lint`) enforces the layers; this prints the numbers that
docs/architecture.md and the issue notes quote. Run: ``python3 scripts/floorplan.py``.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "flagdesk"


def apps() -> list[str]:
    return sorted(
        d.name
        for d in ROOT.iterdir()
        if (d / "__init__.py").exists()
        and not d.name.startswith("tests")
        and d.name not in ("locale", "testing")  # testing: the test helpers, before issue 13
    )


def production_modules(app: str) -> list[Path]:
    def is_production(path: Path) -> bool:
        parts = path.relative_to(ROOT).parts
        return not any(p in ("tests", "migrations") for p in parts) and not (
            path.name.startswith("test_") or path.name == "conftest.py"
        )

    return [p for p in sorted((ROOT / app).rglob("*.py")) if is_production(p)]


def imported_modules(node: ast.AST) -> list[str]:
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        if node.module == "flagdesk":
            return [f"flagdesk.{alias.name}" for alias in node.names]
        return [node.module]
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return []


def count(known: list[str]) -> tuple[Counter[tuple[str, str]], int]:
    edges: Counter[tuple[str, str]] = Counter()
    model_imports = 0
    for app in known:
        for path in production_modules(app):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                for module in imported_modules(node):
                    parts = module.split(".")
                    if parts[0] != "flagdesk" or len(parts) < 2 or parts[1] not in known:
                        continue
                    if parts[1] == app:
                        continue
                    edges[(app, parts[1])] += 1
                    if parts[2:3] == ["models"] and path.name != "models.py":
                        model_imports += 1
    return edges, model_imports


def cycles(edges: Counter[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected components of more than one app (Tarjan)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def main() -> int:
    known = apps()
    edges, model_imports = count(known)
    print(f"core -> apps imports: {sum(n for (a, _), n in edges.items() if a == 'core')}")
    print(f"imports between apps: {sum(edges.values())} ({len(edges)} pairs)")
    print(f"another app's models imported outside models.py: {model_imports}")
    print(f"cycles: {cycles(edges) or 'none'}")
    for (source, target), n in sorted(edges.items()):
        print(f"  {source} -> {target}: {n}")
    return 1 if edges and any(a == "core" for a, _ in edges) else 0


if __name__ == "__main__":
    sys.exit(main())
