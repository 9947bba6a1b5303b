"""The long fuzzing profile's bookkeeping (benchmarks/fuzz.py): seeded runs of one target
added up in its row, the other rows kept."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

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


def test_the_target_names_are_those_the_script_runs_and_a_wrong_one_is_refused(tmp_path):
    (tmp_path / "f").mkdir(), (tmp_path / "m").mkdir()
    assert tuple(fuzz.targets(tmp_path / "f", tmp_path / "m")) == fuzz.TARGETS
    with pytest.raises(SystemExit):
        fuzz.main(["--only", "long_text", "--out", str(tmp_path / "fuzz.json")])
    assert not (tmp_path / "fuzz.json").exists()


def test_a_run_writes_each_target_as_it_finishes(tmp_path, monkeypatch):
    out, finished = tmp_path / "fuzz.json", []

    def run_target(name, strategy, check, cases, seed=None):
        if finished:  # the second target: the first is already in the file
            assert json.loads(out.read_text())["cases_per_target"] == {finished[0]: 2}
            raise KeyboardInterrupt
        finished.append(name)
        return {"cases": 2, "seconds": 0.0, "failure": None, "seed": seed}

    monkeypatch.setattr(fuzz, "run_target", run_target)
    with pytest.raises(KeyboardInterrupt):
        fuzz.main(["--cases", "2", "--out", str(out)])
    assert json.loads(out.read_text())["cases_per_target"] == {"kind_tsv": 2}


def test_merge_adds_up_runs_made_into_separate_files(tmp_path):
    a, b, out = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "fuzz.json"
    assert fuzz.main(["--cases", "3", "--only", "words", "sentences", "--out", str(out)]) == 0
    for path, seed in ((a, "1"), (b, "2")):
        args = ["--cases", "4", "--only", "words", "--seed", seed, "--out", str(path)]
        assert fuzz.main(args) == 0
    assert fuzz.main(["--merge", str(a), str(b), "--only", "words", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["cases_per_target"] == {"words": 8, "sentences": 3}
    assert [run["seed"] for run in result["runs_per_target"]["words"]] == [1, 2]
    with pytest.raises(SystemExit):  # which rows to add must be said
        fuzz.main(["--merge", str(a), "--out", str(out)])
