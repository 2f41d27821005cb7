"""The package layers, read from every product module's imports (module- and function-level, AST).

Lowest first: analysis < models < store < {indexer, qa} < {qa.evaluation, qa.server} < front ends
({ui, app.py, and `python -m qa`'s qa/__main__.py, which dispatches to eval and serve too).
A module may import only its own layer and the layers below it; `indexer` and `qa` never import
each other; `qa` core imports neither `qa.evaluation` nor `qa.server`; `ui` and `app.py` import
only `qa`, `ui`, the standard library and third-party packages. bench/ and tests/ are exempt.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("analysis", "models", "store", "indexer", "qa", "ui")
FIRST_PARTY = {*PACKAGES, "app", "bench", "tests"}
# (layer, group): a module may import layers <= its own, and within a layer only its own group.
LAYERS = {
    "analysis": (0, "analysis"), "models": (1, "models"), "store": (2, "store"),
    "indexer": (3, "indexer"), "qa": (3, "qa"),
    "qa.evaluation": (4, "qa.evaluation"), "qa.server": (4, "qa.server"),
    "ui": (5, "front"), "app": (5, "front"), "qa.__main__": (5, "front"),
}
FRONT_ENDS_MAY_IMPORT = ("qa", "ui")


def unit(module: str) -> str:
    """The layer unit a dotted module name belongs to: its longest prefix in LAYERS."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in LAYERS:
            return ".".join(parts[:n])
    return parts[0]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in the file, relative imports resolved."""
    here = module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            # `from qa import corpus` imports qa.corpus: name the submodule when it is one.
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                is_module = (root / Path(*candidate.split("."))).with_suffix(".py").is_file() or \
                    (root / Path(*candidate.split(".")) / "__init__.py").is_file()
                out.append((node.lineno, candidate if is_module else base))
    return out


def product_files(root: Path) -> list[Path]:
    files = [root / "app.py"] if (root / "app.py").is_file() else []
    for package in PACKAGES:
        files += sorted((root / package).rglob("*.py"))
    return files


def violations(root: Path) -> list[str]:
    """Every import of the product code under `root` that breaks a layer rule, as readable lines."""
    found = []
    for path in product_files(root):
        importer = unit(module_name(path, root))
        for line, name in imported(path, root):
            top = name.split(".")[0]
            if top in sys.stdlib_module_names or top not in FIRST_PARTY:
                continue  # the standard library or a third-party package
            target = unit(name)
            where = f"{path.relative_to(root)}:{line}: {importer} imports {name}"
            if LAYERS.get(importer, (0, ""))[1] == "front":
                if target.split(".")[0] not in FRONT_ENDS_MAY_IMPORT:
                    found.append(f"{where} (front ends import only qa and ui)")
                continue
            if target not in LAYERS:
                found.append(f"{where} (product code imports no {top})")
                continue
            (mine, my_group), (theirs, their_group) = LAYERS[importer], LAYERS[target]
            if theirs > mine or (theirs == mine and their_group != my_group):
                found.append(f"{where} (a higher layer, or a sibling of it)")
    return found


def test_no_module_imports_a_higher_layer():
    assert violations(ROOT) == []


def test_every_product_module_is_in_a_layer():
    units = {unit(module_name(path, ROOT)) for path in product_files(ROOT)}
    assert units <= set(LAYERS), units - set(LAYERS)
    assert {"analysis", "models", "store", "indexer", "qa", "qa.evaluation", "ui", "app"} <= units


PLANTED = [
    ("store/extra.py", "from qa.search import search\n", "store imports qa.search"),
    ("analysis/extra.py", "def f():\n    import models.encoder\n", "analysis imports models.encoder"),
    ("qa/extra.py", "from indexer.build import build_index\n", "qa imports indexer.build"),
    ("indexer/extra.py", "import qa\n", "indexer imports qa"),
    ("qa/extra.py", "from qa.evaluation.metrics import ranking_metrics\n", "qa imports qa.evaluation.metrics"),
    ("qa/extra.py", "from .evaluation import metrics\n", "qa imports qa.evaluation.metrics"),
    ("qa/extra.py", "import qa.server\n", "qa imports qa.server"),
    ("qa/__main__.py", "from indexer.build import build_index\n", "qa.__main__ imports indexer.build"),
    ("ui/extra.py", "from store.reader import open_index\n", "ui imports store.reader"),
    ("app.py", "from models.encoder import Encoder\n", "app imports models.encoder"),
    ("qa/extra.py", "from bench.query import questions\n", "qa imports bench.query"),
]
ALLOWED = [
    ("qa/extra.py", "import numpy\nfrom store.reader import open_index\nfrom analysis.lexical import analyse\n"),
    ("qa/evaluation/extra.py", "from qa.answer import ask\n"),
    ("qa/server/extra.py", "import qa\nfrom qa.engine import load\n"),
    ("ui/extra.py", "import streamlit\nimport qa\nfrom ui.strings import t\n"),
    ("qa/__main__.py", "from qa.evaluation.metrics import ranking_metrics\nimport qa.server\n"),
    ("indexer/extra.py", "from store.writer import SnapshotWriter\nfrom models.encoder import Encoder\n"),
]


def _tree(tmp_path: Path, path: str, source: str) -> Path:
    for package in PACKAGES + ("qa/evaluation", "qa/server", "bench"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").touch()
    for name in ("models/encoder", "store/reader", "store/writer", "qa/search", "qa/answer", "qa/engine",
                 "qa/evaluation/metrics", "indexer/build", "analysis/lexical", "ui/strings", "bench/query"):
        (tmp_path / f"{name}.py").touch()
    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / path).write_text(source, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("path, source, expected", PLANTED)
def test_a_planted_bad_import_is_reported(tmp_path, path, source, expected):
    (problem,) = violations(_tree(tmp_path, path, source))
    assert expected in problem


@pytest.mark.parametrize("path, source", ALLOWED)
def test_imports_within_the_rules_pass(tmp_path, path, source):
    assert violations(_tree(tmp_path, path, source)) == []
