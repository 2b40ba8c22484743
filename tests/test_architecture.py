"""The layers hold: the import contract in pyproject.toml passes, and fails when an upward
import or a cycle is planted in a copy of the package; no module or function outgrows the
limits; ruff is clean."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "greenprompt"
BIN = Path(sys.executable).parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(root), "PATH": str(BIN)},
    )


def test_import_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_ignored_import_says_why():
    text = (ROOT / "pyproject.toml").read_text()
    section = text[text.index("[tool.importlinter]"):]
    for line in section.splitlines():
        if "->" in line:
            assert "#" in line, f"ignored import without a reason: {line.strip()}"


@pytest.mark.parametrize(
    "plants, contract",
    [
        ({"records/inputs.py": "import greenprompt.cli.app"}, "Layers"),  # records reaching up to the CLI
        ({"analysis/pareto.py": "from greenprompt.engine import store"}, "Layers"),  # analysis reaching the engine
        ({"optimizer/__init__.py": "import greenprompt.api.compare"}, "Layers"),  # the search reaching up to the API
        ({"engine/plan.py": "import greenprompt.optimizer"}, "Layers"),  # the engine reaching up to the search
        ({"outputs/units.py": "import greenprompt.analysis.stats"}, "Outputs read result records only"),
        (  # two modules of one package importing each other
            {"inputs/prompt_sets.py": "import greenprompt.inputs.tokens", "inputs/tokens.py": "import greenprompt.inputs.prompt_sets"},
            "No import cycles",
        ),
    ],
)
def test_contract_fails_on_a_planted_import(tmp_path, plants, contract):
    copy = tmp_path / "repo"
    shutil.copytree(PACKAGE, copy / "greenprompt", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    for module, line in plants.items():
        target = copy / "greenprompt" / module
        target.write_text(line + "\n" + target.read_text())
    result = lint_imports(copy)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), result.stdout


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_module_over_the_limit():
    long = {str(p.relative_to(ROOT)): n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_no_function_over_the_limit():
    long = {}
    for p in _modules():
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{p.relative_to(ROOT)}:{node.name}"] = n
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_ruff_is_clean():
    result = subprocess.run([str(BIN / "ruff"), "check", "greenprompt", "tests", "benchmarks"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
