"""The package's structure: no import cycles, no private names across modules, small functions.

The rules are checked on the source with ``ast``, so lazy imports inside
functions count as much as the ones at the top of a module, and nested
functions as much as the others.
"""

import ast
from pathlib import Path

import skvec

PACKAGE_DIR = Path(skvec.__file__).resolve().parent

# Imports that close a cycle and are, for now, accepted, each with its reason.
# Every entry is a debt: the test below fails once the import is gone, so that
# the entry goes too.
KNOWN_BACK_EDGES = {}


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


# -- sizes: function bodies and Numba kernels ----------------------------------------

MAX_BODY_LINES = 59  # "under 60 lines", the docstring not counted
MAX_KERNEL_PARAMETERS = 12  # more arrays travel grouped in a namedtuple or record
JIT_DECORATORS = {"njit", "jit"}  # numba.njit, nb.jit(parallel=True), ...

# Functions over a limit that are, for now, accepted, each with its reason.
# Every entry is a debt: the tests below fail once the function is within the
# limit, so that the entry goes too.
KNOWN_LONG_BODIES = {}
KNOWN_WIDE_KERNELS = {}


def _functions(modules):
    """Yield (qualified name, node) for every function and method, nested ones too."""

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield f"{prefix}.{child.name}", child
                yield from walk(child, f"{prefix}.{child.name}")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}.{child.name}")
            else:
                yield from walk(child, prefix)

    for module, (path, _) in modules.items():
        yield from walk(ast.parse(path.read_text(encoding="utf-8")), module)


def _body_lines(function):
    """Lines from the first statement after the docstring to the end of the last one."""
    body = function.body
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        body = body[1:]
    return body[-1].end_lineno - body[0].lineno + 1 if body else 0


def _is_jitted(function):
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
        if name in JIT_DECORATORS:
            return True
    return False


def _n_parameters(function):
    args = function.args
    named = len(args.posonlyargs) + len(args.args) + len(args.kwonlyargs)
    return named + (args.vararg is not None) + (args.kwarg is not None)


def _long_bodies(modules):
    return {
        name: f"{name} (line {function.lineno}): {_body_lines(function)} lines"
        for name, function in _functions(modules)
        if _body_lines(function) > MAX_BODY_LINES
    }


def _wide_kernels(modules):
    return {
        name: f"{name} (line {function.lineno}): {_n_parameters(function)} parameters"
        for name, function in _functions(modules)
        if _is_jitted(function) and _n_parameters(function) > MAX_KERNEL_PARAMETERS
    }


def test_size_checks_measure_what_they_say(tmp_path):
    package = tmp_path / "skvec"
    package.mkdir()
    (package / "__init__.py").write_text("")
    statements = "\n".join(f"    x{i} = {i}" for i in range(MAX_BODY_LINES))
    params = ", ".join(f"a{i}" for i in range(MAX_KERNEL_PARAMETERS))
    (package / "sizes.py").write_text(
        "import numba\nfrom numba import njit\n\n\n"
        f'def fits():\n    """A docstring\n\n    on several lines."""\n{statements}\n\n\n'
        f"def too_long():\n{statements}\n\n    return x0\n\n\n"
        "class Estimator:\n"
        f"    def method(self):\n        def inner():\n{statements.replace('    ', '            ')}\n\n"
        f"@njit(cache=True)\ndef narrow({params}):\n    pass\n\n\n"
        f"@numba.njit(parallel=True, cache=True)\ndef wide({params}, extra):\n    pass\n\n\n"
        f"@njit\ndef wide_too(*args, {params}):\n    pass\n\n\n"
        f"def plain({params}, extra):\n    pass\n"
    )
    modules = _modules(package)
    assert set(_long_bodies(modules)) == {"skvec.sizes.too_long", "skvec.sizes.Estimator.method"}
    assert set(_wide_kernels(modules)) == {"skvec.sizes.wide", "skvec.sizes.wide_too"}


def _check_limit(found, known, what):
    """Fail on a function over the limit that is not known, and on a known one now within it."""
    offences = [text for name, text in sorted(found.items()) if name not in known]
    assert not offences, f"{what}:\n" + "\n".join(offences)
    stale = sorted(set(known) - set(found))
    assert not stale, f"within the limit now, remove them from the list of known ones: {stale}"


def test_function_bodies_are_under_60_lines():
    _check_limit(_long_bodies(_modules()), KNOWN_LONG_BODIES, f"function bodies over {MAX_BODY_LINES} lines")


def test_numba_kernels_take_at_most_12_parameters():
    _check_limit(
        _wide_kernels(_modules()),
        KNOWN_WIDE_KERNELS,
        f"Numba kernels with more than {MAX_KERNEL_PARAMETERS} parameters",
    )


# Training settings travel as frozen typed records (``Word2VecSettings``,
# ``GloVeSettings``, ...), built once by the estimator, never as dicts of
# named values.
TRAINING_PACKAGE = "skvec._training"


def _is_str(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _string_keyed_reads(modules, package=TRAINING_PACKAGE):
    """``arg["name"]`` and ``arg.get("name")`` on a function's own argument, in the training package."""
    found = {}
    for name, function in _functions({m: v for m, v in modules.items() if m.startswith(package)}):
        args = function.args
        names = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
        for node in ast.walk(function):
            if isinstance(node, ast.Subscript) and _is_str(node.slice):
                target, key = node.value, node.slice.value
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr == "get" and node.args and _is_str(node.args[0])):
                target, key = node.func.value, node.args[0].value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in names:
                found[f"{name}:{node.lineno}:{key}"] = f"{name} (line {node.lineno}): {target.id}[{key!r}]"
    return found


def _is_dict_argument(node):
    return isinstance(node, (ast.Dict, ast.DictComp)) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict"
    )


def _dicts_into_training(modules, package=TRAINING_PACKAGE):
    """Calls of a function imported from the training package with a dict built on the spot as an argument."""
    found = {}
    for module, (path, is_package) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        engine_names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                source = _resolve(module, is_package, node)
                if source and (source == package or source.startswith(package + ".")):
                    engine_names.update(alias.asname or alias.name for alias in node.names)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in engine_names):
                continue
            arguments = list(node.args) + [keyword.value for keyword in node.keywords]
            if any(_is_dict_argument(argument) for argument in arguments):
                found[f"{module}:{node.lineno}"] = f"{module} (line {node.lineno}): {node.func.id}(... dict ...)"
    return found


def test_settings_checks_catch_dicts(tmp_path):
    package = tmp_path / "skvec"
    (package / "_training").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "_training" / "__init__.py").write_text("")
    (package / "_training" / "engine.py").write_text(
        "def train(ids, params):\n    return params['alpha'] + params.get('epochs', 1)\n\n\n"
        "def typed(ids, params):\n    rows = {'a': 1}\n    return params.alpha + rows['a']\n"
    )
    (package / "estimator.py").write_text(
        "from ._training.engine import train, typed\n\n\n"
        "def fit(ids, params):\n"
        "    train(ids, {'alpha': 0.025})\n    train(ids, dict(params, alpha=0.1))\n"
        "    typed(ids, params=dict(alpha=1.0))\n    typed(ids, params)\n"
    )
    modules = _modules(package)
    assert sorted(_string_keyed_reads(modules).values()) == [
        "skvec._training.engine.train (line 2): params['alpha']",
        "skvec._training.engine.train (line 2): params['epochs']",
    ]
    assert sorted(_dicts_into_training(modules)) == ["skvec.estimator:5", "skvec.estimator:6", "skvec.estimator:7"]


def test_no_string_keyed_settings_in_training():
    found = {**_string_keyed_reads(_modules()), **_dicts_into_training(_modules())}
    assert not found, "settings passed as dicts:\n" + "\n".join(sorted(found.values()))


def test_training_estimators_build_frozen_settings():
    import dataclasses

    from skvec import Doc2VecEmbedder, FastTextEmbedder, GloVeEmbedder, Word2VecEmbedder

    for estimator in (Word2VecEmbedder(), FastTextEmbedder(), Doc2VecEmbedder(), GloVeEmbedder()):
        settings = estimator._check_params()
        assert dataclasses.is_dataclass(settings) and type(settings).__dataclass_params__.frozen, estimator


# Loggers are named explicitly, never after the module a frame happens to be
# in (moving code would rename them).  Reading frames is allowed only where a
# warning must point at the user's code.
FRAME_READERS = {"skvec._validation.user_stacklevel": "the stacklevel of warnings"}


def _frame_reads(modules):
    found = {}
    for name, function in _functions(modules):
        for node in ast.walk(function):
            if isinstance(node, ast.Attribute) and node.attr in ("_getframe", "currentframe", "stack"):
                if isinstance(node.value, ast.Name) and node.value.id in ("sys", "inspect"):
                    found.setdefault(name, f"{name} (line {node.lineno}): {node.value.id}.{node.attr}")
    for module, (path, _) in modules.items():
        if "_getframe" in path.read_text(encoding="utf-8"):
            found[f"{module}:_getframe"] = f"{module}: mentions sys._getframe"
    return found


def test_no_logger_named_from_a_frame():
    found = _frame_reads(_modules())
    assert not any(key.endswith(":_getframe") for key in found), found
    _check_limit(found, FRAME_READERS, "functions reading the call stack")
