"""The request app's modules import each other one way: no import cycle, and the services never
reach the background tasks except by name (core/background.py)."""

from __future__ import annotations

import grimp

PACKAGE = "citizen_requests"


def _cycles(graph) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if not imported.startswith(PACKAGE):
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module.startswith(PACKAGE) and module not in index:
            visit(module)
    return groups


def test_the_request_app_has_no_import_cycle():
    graph = grimp.build_graph(PACKAGE)
    assert "citizen_requests.views.pages" in graph.modules  # the pages are in the graph too
    assert _cycles(graph) == []


def test_services_reach_the_tasks_only_by_name():
    graph = grimp.build_graph(PACKAGE)
    chains = graph.find_shortest_chains(
        importer="citizen_requests.services", imported="citizen_requests.tasks", as_packages=True
    )
    assert chains == set()
