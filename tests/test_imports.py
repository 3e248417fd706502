"""No import cycles between backend modules, counting imports inside functions too."""
import ast
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent / "backend"


def _module_name(path: Path) -> str:
    parts = path.relative_to(BACKEND.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Return module → the backend modules it imports (anywhere in it; `from a import b` is a.b if b is one)."""
    modules = {_module_name(p): p for p in BACKEND.rglob("*.py") if "migrations" not in p.parts}
    graph = {}
    for name, path in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                edges |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                edges |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                          for a in node.names}
        graph[name] = {e for e in edges if e in modules and e != name}
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return import cycles (each a list of modules, first == last); empty when there is none."""
    cycles, seen = [], set()

    def visit(node, path):
        if node in path:
            return path[path.index(node):] + [node]
        for nxt in sorted(graph[node] - seen):
            if cycle := visit(nxt, path + [node]):
                return cycle
        seen.add(node)  # no cycle goes through here
        return None

    for module in sorted(graph):
        if module not in seen and (cycle := visit(module, [])):
            cycles.append(cycle)
            seen.update(cycle)
    return cycles


def test_backend_has_no_import_cycles():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)
