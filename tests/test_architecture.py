"""The package's import structure: no cycles, no private names across modules.

Both rules are checked on the source with ``ast``, so lazy imports inside
functions count as much as the ones at the top of a module.
"""

import ast
from pathlib import Path

import skvec

PACKAGE_DIR = Path(skvec.__file__).resolve().parent

# Imports that close a cycle and are, for now, accepted, each with its reason.
# Every entry is a debt: the test below fails once the import is gone, so that
# the entry goes too.
KNOWN_BACK_EDGES = {
    ("skvec.vectors._keyed", "skvec.metrics"): (
        "WordVectors.evaluate_word_analogies / evaluate_word_pairs (gensim's names) delegate to "
        "skvec.metrics, which builds on skvec.vectors; the evaluation core belongs below both"
    ),
}


def _module_name(path, package_dir):
    parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(package_dir=PACKAGE_DIR):
    """Module name -> (path, is_package) for every module of the package."""
    return {
        _module_name(path, package_dir): (path, path.name == "__init__.py")
        for path in sorted(package_dir.rglob("*.py"))
    }


def _resolve(module, is_package, node):
    """Absolute name of the module a ``from ... import`` statement reads from."""
    if node.level == 0:
        return node.module
    base = module.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(modules):
    """Yield (importer, imported module, imported name or None, line) for every import."""
    for module, (path, is_package) in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield module, alias.name, None, node.lineno
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(module, is_package, node)
                for alias in node.names:
                    yield module, source, alias.name, node.lineno


def _import_graph(modules):
    """Edges between modules of the package.

    ``from pkg import sub`` depends on ``pkg.sub`` when it is a module.  A
    module's dependence on its own enclosing packages is left out: Python
    imports them before the module anyway, so it cannot form a cycle that
    the import system would trip over.
    """
    graph = {module: set() for module in modules}
    for importer, source, name, _ in _imports(modules):
        if name is not None and f"{source}.{name}" in modules:
            target = f"{source}.{name}"
        elif source in modules:
            target = source
        else:
            continue
        if target != importer and not importer.startswith(target + "."):
            graph[importer].add(target)
    return graph


def _find_cycle(graph):
    """One cycle as a list of modules (first == last), or None."""
    state = {}  # module -> "open" while on the stack, "done" after
    stack = []

    def visit(module):
        state[module] = "open"
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module)
            if cycle:
                return cycle
    return None


def test_the_graph_sees_lazy_and_relative_imports():
    modules = _modules()
    graph = _import_graph(modules)
    assert "skvec.cooccurrence" in modules and "skvec._corpus" in modules
    # Every estimator module reads the shared corpus routines.
    assert "skvec._corpus" in graph["skvec.cooccurrence"]
    assert "skvec._corpus" in graph["skvec.word2vec"]


def test_find_cycle_names_the_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _find_cycle(graph) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_checks_catch_lazy_cycles_and_private_imports(tmp_path):
    package = tmp_path / "skvec"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from .sub.b import helper\nfrom . import _c\n")
    (package / "sub" / "b.py").write_text("def helper():\n    from ..a import _private\n")
    (package / "_c.py").write_text("from sklearn.utils import _private_thing\n")
    modules = _modules(package)
    assert _find_cycle(_import_graph(modules)) == ["skvec.a", "skvec.sub.b", "skvec.a"]
    assert _private_imports(modules, of_package=True) == ["skvec.sub.b:2 imports _private from skvec.a"]
    assert _private_imports(modules, of_package=False) == [
        "skvec._c:1 imports _private_thing from sklearn.utils"
    ]


def test_no_import_cycle():
    graph = _import_graph(_modules())
    for importer, target in KNOWN_BACK_EDGES:
        graph[importer].discard(target)
    cycle = _find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_known_back_edges_still_exist():
    graph = _import_graph(_modules())
    gone = [edge for edge in KNOWN_BACK_EDGES if edge[1] not in graph.get(edge[0], ())]
    assert not gone, f"remove these from KNOWN_BACK_EDGES, the imports are gone: {gone}"


def _private_imports(modules, of_package):
    """``from M import _name`` statements, where M is (or is not) a module of the package."""
    offences = []
    for importer, source, name, line in _imports(modules):
        if name is None or source is None or not name.startswith("_") or name.startswith("__"):
            continue
        if f"{source}.{name}" in modules:
            continue  # an underscore module, such as skvec._corpus, is fine
        if (source == "skvec" or source.startswith("skvec.")) == of_package:
            offences.append(f"{importer}:{line} imports {name} from {source}")
    return offences


def test_no_private_name_imported_across_modules():
    offences = _private_imports(_modules(), of_package=True)
    assert not offences, "private names imported across modules:\n" + "\n".join(offences)


def test_no_private_name_of_a_dependency_imported():
    """Private helpers of scikit-learn and others are not an API to build on."""
    offences = _private_imports(_modules(), of_package=False)
    assert not offences, "private names of other packages imported:\n" + "\n".join(offences)
