"""Checks read the message and `ctx.rules`, nothing else: no file, no global rules directory, no
other check's private parts (an AST walk over every module of scorer/checks/)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import scorer.checks

CHECKS_DIR = Path(scorer.checks.__file__).parent
MODULES = sorted(p for p in CHECKS_DIR.glob("*.py") if p.name != "__init__.py")
FORBIDDEN_MODULES = ("scorer.paths", "pathlib", "yaml", "os", "io", "shutil", "glob")
FILE_METHODS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "glob"}


def violations(source: str) -> list[str]:
    """What a check module does that a check must not: import a file or path module, open a file,
    or reach another check module's private (`_`) names."""
    tree = ast.parse(source)
    found = []
    check_modules: set[str] = set()  # names bound to a module of scorer.checks
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(FORBIDDEN_MODULES):
                    found.append(f"line {node.lineno}: import {alias.name}")
                if alias.name.startswith("scorer.checks."):
                    check_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = [alias.name for alias in node.names]
            if module.startswith(FORBIDDEN_MODULES) or (module == "scorer" and "paths" in names):
                found.append(f"line {node.lineno}: from {module} import {', '.join(names)}")
            if module.startswith("scorer.checks."):
                found += [
                    f"line {node.lineno}: from {module} import {name}"
                    for name in names
                    if name.startswith("_")
                ]
            if module == "scorer.checks":
                check_modules.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "open":
                found.append(f"line {node.lineno}: open()")
            if isinstance(func, ast.Attribute) and func.attr in FILE_METHODS:
                found.append(f"line {node.lineno}: .{func.attr}()")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id in check_modules
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_check_module_reads_no_file_and_no_private_name_of_another(path):
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "from scorer.paths import rules_dir\n",
        "from scorer import paths\n",
        "import yaml\n",
        "from pathlib import Path\n",
        "data = open('x').read()\n",
        "text = some_path.read_text()\n",
        "from scorer.checks.auth import _is_sent\n",
        "from scorer.checks import auth\nauth._is_sent(1, 2)\n",
        "import scorer.checks.auth as a\na._need_dns(1)\n",
    ],
)
def test_the_walk_finds_each_kind_of_violation(source):
    assert violations(source), source


def test_there_are_check_modules_to_walk():
    assert len(MODULES) >= 10
    assert violations("from scorer.checks import content\ncontent.is_japanese(1, 2)\n") == []
