"""Shared fixtures: a small real project (en, ar, ku, ckb) copied to a temp folder per test."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.pandoc import Pandoc

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def pandoc():
    worker = Pandoc()
    yield worker
    worker.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """tests/data/project copied: source/, project.yaml and hand-made ar/ku/ckb catalogues."""
    dest = tmp_path / "project"
    shutil.copytree(DATA / "project", dest)
    return dest
