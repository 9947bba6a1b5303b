"""The README's prediction examples run as written (with tiny models in place of the quick
ones) and every entity's offsets slice the example text exactly."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = ROOT.parent / "shared/data/examples/conflict-news-it.txt"
QUICK = {"entities": "runs/ner-kind-quick/model", "events": "runs/events-quick/model"}

pytestmark = pytest.mark.skipif(not EXAMPLE.is_file(), reason="needs ../shared/data")


def _block(language: str, containing: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)
    (block,) = [b for b in blocks if containing in b]
    return block


def _with_tiny_models(code: str, dirs) -> str:
    ner, events = dirs
    return code.replace(QUICK["entities"], str(ner)).replace(QUICK["events"], str(events))


def test_the_python_api_example_runs(tiny_predictor_dirs, monkeypatch, capsys):
    code = _with_tiny_models(_block("python", "Predictor.from_pretrained"), tiny_predictor_dirs)
    assert code.count(str(tiny_predictor_dirs[0])) == 1  # the README still names the quick model
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})  # the example asserts the offsets itself
    assert "LOC" in capsys.readouterr().out


def test_the_predict_example_annotates_the_example_text_with_exact_offsets(
    tiny_predictor_dirs, tmp_path
):
    block = _block("bash", f"cronaca predict --model {QUICK['entities']}")
    record = _run_predict(_with_tiny_models(block, tiny_predictor_dirs), tmp_path)
    _check_example_record(record)


def test_the_rule_models_example_annotates_the_example_text(tmp_path):
    record = _run_predict(_block("bash", "cronaca predict --model gazetteer"), tmp_path)
    _check_example_record(record)
    assert {e["score"] for e in record["entities"] + record["events"]} == {1.0}


def test_the_rule_models_python_example_runs(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    exec(compile(_block("python", "KeywordEventLabeller()"), "README.md", "exec"), {})
    assert "('LOC', 'Roma')" in capsys.readouterr().out


def _run_predict(block: str, tmp_path: Path) -> dict:
    """Run a README ``cronaca predict`` command, its output in ``tmp_path``; its one record."""
    output = re.search(r"--output (\S+)", block).group(1)
    command = block.replace(output, str(tmp_path / "example.jsonl"))
    command = command.replace("\\\n", " ").replace("cronaca predict", "", 1).split()
    assert "--input" in command and "--model" in command
    run = [sys.executable, "-m", "cronaca.training.cli", "predict", *command, "--device", "cpu"]
    finished = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    (record,) = [json.loads(line) for line in (tmp_path / "example.jsonl").read_text().splitlines()]
    return record


def _check_example_record(record: dict) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert record["id"] == EXAMPLE.name and record["text"] == text
    assert record["entities"]
    for entity in record["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]
    for sentence in record["sentences"]:
        assert text[sentence["start"] : sentence["end"]].strip()
