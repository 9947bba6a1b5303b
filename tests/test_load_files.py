"""Training reads every corpus format with the same dropped labels and the same held-out guard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cronaca.training.config import load_config
from cronaca.training.tasks.common import load_files


def test_a_label_studio_export_with_misc_loads_with_misc_dropped(tmp_path: Path) -> None:
    task = {
        "id": 1,
        "data": {"text": "Il JNIM ha attaccato Acharan durante il Ramadan"},
        "annotations": [
            {
                "result": [
                    {"type": "labels", "value": {"start": 3, "end": 7, "labels": ["ORG"]}},
                    {"type": "labels", "value": {"start": 40, "end": 47, "labels": ["MISC"]}},
                ]
            }
        ],
    }
    (tmp_path / "export.json").write_text(json.dumps([task]), encoding="utf-8")
    config = load_config(None, overrides=[f"data.dir={tmp_path}"])  # drop_labels: [MISC]
    (sentence,) = load_files(["export.json"], config)
    assert [(s.label, s.start) for s in sentence.entity_spans()] == [("ORG", 1)]


@pytest.mark.parametrize("name", ["WN_test.tsv", "test.conllu"])
def test_the_held_out_benchmarks_are_refused(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("Roma\tB-LOC\n" if name.endswith(".tsv") else "0\tRoma\tB-LOC\n")
    config = load_config(None, overrides=[f"data.dir={tmp_path}"])
    with pytest.raises(ValueError, match="held-out"):
        load_files([name], config)
