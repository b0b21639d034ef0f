"""No two modules of the ``autograder`` package import each other, directly or through others,
not even through an import inside a function (which only hides the circle until that function
runs). Built from the source with ``ast``, so nothing is imported."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path, modules):
    """The package's modules that the module at ``path`` imports, anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {target for target in targets if target in modules and target != name}
    return found


def circles(graph):
    """Every module that can reach itself through the graph, with one path that does."""
    found = {}
    for start in graph:
        stack = [(start, [start])]
        seen = set()
        while stack:
            module, path = stack.pop()
            for imported in graph[module]:
                if imported == start:
                    found[start] = " -> ".join(path + [start])
                elif imported not in seen:
                    seen.add(imported)
                    stack.append((imported, path + [imported]))
    return found


def test_no_module_of_the_package_imports_itself_through_others():
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    graph = {module_name(path): imported_modules(path, modules) for path in paths}
    # a package's __init__ runs before its modules, so "pkg.mod imports pkg" is no circle
    graph = {module: {imported for imported in imports if not module.startswith(imported + ".")}
             for module, imports in graph.items()}
    assert circles(graph) == {}
