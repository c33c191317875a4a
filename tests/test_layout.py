"""The house rules, checked on the source: the direction of imports, no pyplot, no private reach.

One place for what used to be four copies of "never pyplot". The rules (DESIGN.md):

* the core and the feature packages (everything but plots/ and app/) import neither
  matplotlib nor streamlit, not even inside a function;
* only hipmodel/app/ imports streamlit; nothing imports matplotlib.pyplot;
* no module imports another package's private (``_name``) names;
* every folder of hipmodel/ is a package listed in pyproject.toml, so ``pip install .``
  ships it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import hipmodel

PKG = Path(hipmodel.__file__).resolve().parent
REPO = PKG.parent
MODULES = sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)


def _rel(p: Path) -> str:
    return p.relative_to(PKG).as_posix()


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(absolute module imported, names imported, line) for every import in the file, nested ones too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("hipmodel",) + path.relative_to(PKG).parent.parts)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((mod, [a.name for a in node.names], node.lineno))
    return out


def _area(path: Path) -> str:
    parts = path.relative_to(PKG).parts
    return parts[0] if len(parts) > 1 else "core"


def test_there_are_modules_to_check():
    areas = {_area(p) for p in MODULES}
    assert {"core", "plots", "app", "nerve", "stretch", "questions", "cli"} <= areas, areas


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_import_direction(path):
    area = _area(path)
    for mod, names, line in _imports(path):
        where = f"{_rel(path)}:{line} imports {mod}"
        assert not mod.startswith("matplotlib.pyplot") and not (mod == "matplotlib" and "pyplot" in names), where
        if mod.split(".")[0] == "streamlit":
            assert area == "app", where + " (only hipmodel/app/ may import streamlit)"
        if mod.split(".")[0] == "matplotlib" or mod.startswith("hipmodel.plots"):
            assert area in ("plots", "app", "cli"), where + " (the core and features never import matplotlib)"
        if mod.split(".")[0] == "plotly":
            assert area in ("plots", "app", "cli"), where + " (the core and features never import plotly)"
        if mod.startswith("hipmodel.app"):
            assert area == "app", where + " (nothing imports the app package)"


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_no_private_names_from_other_packages(path):
    own = ".".join(("hipmodel",) + path.relative_to(PKG).parent.parts)
    for mod, names, line in _imports(path):
        if not mod.startswith("hipmodel"):
            continue
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        if private:
            source_package = mod.rsplit(".", 1)[0] if mod != own else own
            assert source_package == own or mod == own, f"{_rel(path)}:{line} takes {private} from {mod}"


def test_every_folder_is_a_listed_package():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {".".join(("hipmodel",) + p.relative_to(PKG).parent.parts) for p in PKG.rglob("__init__.py")}
    assert folders <= listed, f"not in pyproject.toml packages: {sorted(folders - listed)}"
    assert "hipmodel.data" in listed


def test_importing_the_library_and_cli_loads_no_matplotlib_or_streamlit():
    code = ("import sys, hipmodel, hipmodel.cli, hipmodel.stretch, hipmodel.questions, hipmodel.nerve, hipmodel.osim; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'streamlit'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_drawing_every_kind_of_figure_never_loads_pyplot():
    code = ("import sys, io, hipmodel as hm; from hipmodel import plots; m = hm.load_model(); "
            "plots.variant_figure_from_data('B').savefig(io.BytesIO(), format='png', dpi=20); "
            "plots.anatomy_figure(m, ['piriformis'], 30.0); "
            "plots.length_map_figure_for(m, m.muscle('piriformis')); "
            "sys.exit('matplotlib.pyplot' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
