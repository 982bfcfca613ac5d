"""The data layer never imports textual."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import PROJECT

DATA = PROJECT / "reader" / "data"


def test_data_layer_imports_no_textual():
    modules = sorted(f"reader.data.{p.stem}" for p in DATA.glob("*.py") if p.stem != "__init__")
    code = (
        f"import reader.cli, {', '.join(modules)}; import sys; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, timeout=60)
    assert result.returncode == 0, result.stderr


def test_no_textual_import_lines():
    pattern = re.compile(r"^\s*(?:import\s+textual|from\s+textual)\b", re.M)
    for path in DATA.glob("*.py"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_check_imports_no_index(tmp_path):
    """`reader check` gives verdicts only: the index and SQLite are not its start-up's cost."""
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\n", encoding="utf-8")
    code = (
        "import sys; from reader.data.check import check_folder; "
        f"report = check_folder({str(tmp_path)!r}, 1 << 20, workers=0); assert report.stories == 1, report; "
        "bad = [m for m in sys.modules if m.startswith('reader.data.index') or m == 'sqlite3']; "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, timeout=60)
    assert result.returncode == 0, result.stderr
