from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from aomi18n.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
BENCH = ROOT.parent / "shared" / "bench"


@pytest.fixture
def run():
    """Invoke the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    return partial(CliRunner().invoke, cli, catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the bundled project (corpus + glossary) in a temporary folder."""
    dest = tmp_path / "project"
    dest.mkdir()
    shutil.copytree(ROOT / "corpus", dest / "corpus")
    shutil.copy(ROOT / "glossary.yaml", dest / "glossary.yaml")
    return dest


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every project file's bytes, but the cache's (derived data, safe to delete, never a user's work)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".aomi18n-cache" not in p.relative_to(folder).parts}
