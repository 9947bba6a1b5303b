"""The long fuzzing profile's bookkeeping (benchmarks/fuzz.py): seeded runs of one target
added up in its row, the other rows kept."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("fuzz_script", ROOT / "benchmarks" / "fuzz.py")
fuzz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz)


def test_seeded_runs_add_up_in_one_row_and_leave_the_others(tmp_path):
    out = tmp_path / "fuzz.json"
    assert fuzz.main(["--cases", "3", "--only", "words", "sentences", "--out", str(out)]) == 0
    assert fuzz.main(["--cases", "4", "--only", "words", "--seed", "1", "--out", str(out)]) == 0
    first = json.loads(out.read_text())
    assert first["cases_per_target"] == {"words": 4, "sentences": 3}  # --only replaced words
    args = ["--cases", "5", "--only", "words", "--seed", "2", "--add", "--out", str(out)]
    assert fuzz.main(args) == 0
    result = json.loads(out.read_text())
    assert result["cases_per_target"] == {"words": 9, "sentences": 3}
    assert [run["seed"] for run in result["runs_per_target"]["words"]] == [1, 2]
    assert [run["cases"] for run in result["runs_per_target"]["words"]] == [4, 5]
    assert result["runs_per_target"]["sentences"] == first["runs_per_target"]["sentences"]
    assert result["min_cases_per_target"] == 3 and result["failures_left"] == 0
    assert "--seed 2 --add" in result["command_per_target"]["words"]
