"""The API reference lists every public object of the package."""

import importlib
import inspect
import re
from pathlib import Path

import pytest

API = Path(__file__).resolve().parent.parent / "docs" / "api.rst"
MODULES = ["skvec", "skvec.datasets", "skvec.metrics", "skvec.vectors", "skvec.plotting", "skvec.model_selection"]


def documented():
    """Fully qualified names of the API page: each autosummary entry under its current module."""
    names, module = set(), "skvec"
    for line in API.read_text(encoding="utf-8").splitlines():
        current = re.match(r"\.\. currentmodule:: ([\w.]+)", line)
        if current:
            module = current.group(1)
        entry = re.fullmatch(r"   (\w+)", line)
        if entry:
            names.add(f"{module}.{entry.group(1)}")
    return names


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_object_has_an_api_page(module_name):
    module = importlib.import_module(module_name)
    public = getattr(module, "__all__", None) or [
        name for name in vars(module) if not name.startswith("_") and
        getattr(getattr(module, name), "__module__", "").startswith(module_name)
    ]
    pages = documented()
    missing = []
    for name in public:
        obj = getattr(module, name)
        if inspect.ismodule(obj):  # a subpackage: its own entry in MODULES
            assert obj.__name__ in MODULES
            continue
        # Listed under the module that exports it, or under the one that defines it.
        homes = {f"{module_name}.{name}", f"{getattr(obj, '__module__', '')}.{name}"}
        homes |= {f"skvec.{name}"} if getattr(__import__("skvec"), name, None) is obj else set()
        if not homes & pages:
            missing.append(name)
    assert not missing, f"{module_name}: no API page for {missing}"
