"""The Examples sections of the docstrings run as doctests and show true output.

Every module of the package is found by walking it (a new module needs no
entry here), and each docstring with examples is one test, so a failure names
the object whose example is wrong.  The examples run with ``ELLIPSIS`` on, as
under ``pytest --doctest-modules``, in a temporary working directory; the
environment is the suite's (``conftest.py`` sets it before SciPy is imported).
"""

import doctest
import importlib
import pkgutil

import pytest

import skvec

FLAGS = doctest.ELLIPSIS


def module_names():
    """Every module of the package, the package itself first."""
    found = pkgutil.walk_packages(skvec.__path__, prefix="skvec.")
    return ["skvec", *sorted(info.name for info in found)]


def docstring_examples():
    """``(name, module name)`` of every docstring that has examples."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    cases = []
    for name in module_names():
        module = importlib.import_module(name)
        cases += [(test.name, name) for test in finder.find(module) if test.examples]
    return sorted(cases)


EXAMPLES = docstring_examples()


def test_examples_are_found():
    # The walk reaches the subpackages and the estimators' docstrings.
    names = {name for name, _ in EXAMPLES}
    assert {"skvec.word2vec.Word2VecEmbedder", "skvec.vectors._keyed.WordVectors.save"} <= names
    assert len(EXAMPLES) > 90


@pytest.mark.parametrize(("name", "module_name"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_docstring_example(name, module_name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(module_name)
    (test,) = [test for test in doctest.DocTestFinder().find(module) if test.name == name]
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = []
    result = runner.run(test, out=report.append)
    if result.attempted == 0 and test.examples:
        pytest.skip("every example of this docstring is marked to be skipped")
    assert result.failed == 0, "".join(report)
