"""Shared fixtures: every test gets its own cache, data and config folders."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
SHARED_CORPUS = PROJECT.parent / "shared" / "corpus" / "azure"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory, monkeypatch):
    """Keep the reader's own files (cache, state, config) out of the user's home."""
    base = tmp_path_factory.mktemp("home")
    for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        folder = base / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setenv("TZ", "UTC")
    return base


@pytest.fixture
def real_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"the real sample is not here: {SHARED_CORPUS} (it lives in ../shared, beside the project)")
    return SHARED_CORPUS
