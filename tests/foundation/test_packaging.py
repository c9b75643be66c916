"""Carnet is an installed package: no code edits sys.path to find it, and every pinned
runtime package is used by Carnet's code (or pins one of Pelican's engines)."""

import ast
import re
import tomllib
from importlib import metadata
from pathlib import Path

from conftest import ROOT

# Pinned for Pelican (its engines), not imported by Carnet: Markdown reads the posts.
PELICAN_ENGINES = {"pelican", "markdown"}
# Packages Carnet runs rather than imports: Pagefind's binary comes in pagefind_bin.
IMPORTED_AS = {"pagefind": {"pagefind_bin"}}
SOURCES = ["carnet", "plugins", "tasks.py", "bench", "pelicanconf.py", "publishconf.py"]


def python_files():
    for name in SOURCES:
        path = ROOT / name
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def imported_modules():
    found = set()
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def pinned():
    names = []
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert "==" in line, f"requirements.txt: {line} is not pinned exactly"
            names.append(re.split(r"[\[=]", line, maxsplit=1)[0].lower())
    return names


def test_every_pinned_package_is_used_by_carnets_code():
    imported = imported_modules()
    modules_of = {}
    for module, distributions in metadata.packages_distributions().items():
        for distribution in distributions:
            modules_of.setdefault(distribution.lower(), set()).add(module)
    for name in pinned():
        if name in PELICAN_ENGINES:
            continue
        modules = IMPORTED_AS.get(name) or modules_of.get(name, set())
        assert modules & imported, f"requirements.txt pins {name}, which Carnet never imports"


def test_the_package_depends_on_exactly_the_pinned_runtime_packages():
    """pyproject.toml names what requirements.txt pins, no more (polytypo, the tests'
    oracle, is no runtime package) and no less."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    named = {re.split(r"[\[=<>]", name, maxsplit=1)[0].lower() for name in project["dependencies"]}
    assert named == set(pinned())
    assert "polytypo" in project["optional-dependencies"]["test"]


def test_no_code_edits_sys_path_to_find_carnet():
    this_file = Path(__file__).resolve()
    for path in [*python_files(), *sorted((ROOT / "tests").rglob("*.py"))]:
        if path.resolve() == this_file:
            continue
        text = path.read_text(encoding="utf-8")
        assert "sys.path.insert" not in text, path
        if path.name == "publishconf.py":  # Pelican's quickstart line, and only that
            assert re.findall(r"sys\.path\.\w+\(.*\)", text) == ["sys.path.append(os.curdir)"]
        else:
            assert "sys.path.append" not in text, path


def test_carnet_is_installed_from_this_checkout():
    distribution = metadata.distribution("carnet")
    assert distribution.version and (ROOT / "carnet" / "__init__.py").exists()
    import carnet

    assert carnet.__file__ == str(ROOT / "carnet" / "__init__.py")
