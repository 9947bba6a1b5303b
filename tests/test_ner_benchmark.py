"""The entity benchmark's bookkeeping (benchmarks/ner_benchmark.py): parts that run apart merge
into one results file, and a misspelt lever stops the run before any training."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "ner_benchmark", ROOT / "benchmarks/ner_benchmark.py"
)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_parts_merge_into_the_results_file(tmp_path):
    path = tmp_path / "ner.json"
    bench.write_results({"wn_test_strict_f1": 0.85, "date": "2026-12-01"}, path)
    bench.write_results({"levers_dev": {"kind-wn": {}}} | bench.stamp("levers", 0.0), path)
    merged = json.loads(path.read_text())
    assert merged["wn_test_strict_f1"] == 0.85  # the other part's keys survive
    assert merged["date"] == "2026-12-01"  # a part's stamp is prefixed, not overwriting
    assert {"levers_dev", "levers_date", "levers_command", "levers_cpu_flags"} <= merged.keys()


def test_unknown_lever_refused_before_training(tmp_path, monkeypatch):
    def no_training(*_):
        raise AssertionError("trained before checking the lever names")

    monkeypatch.setattr(bench, "trained", no_training)
    args = SimpleNamespace(levers="kind-wn,+news 9 epochs", part="levers", overrides=[])
    with pytest.raises(SystemExit, match="9 epochs"):
        bench.lever_table(args, tmp_path, tmp_path)
