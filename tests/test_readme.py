"""The README's prediction examples run as written (with tiny models in place of the quick
ones) and every entity's offsets slice the example text exactly."""

import contextlib
import json
import os
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
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


# --- the annotation loop section -------------------------------------------------------------


def _commands(block: str) -> list[list[str]]:
    """A bash block's commands, continuation lines joined, each split as the shell would."""
    return [shlex.split(line) for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def _run_cli(argv: list[str], cwd: Path) -> None:
    """One ``cronaca …`` command line in-process (a ``> FILE`` redirect is honoured)."""
    from cronaca.training.cli import main

    assert argv[0] == "cronaca"
    argv, target = (argv[:-2], argv[-1]) if ">" in argv else (argv, None)
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.ExitStack() as stack:
            if target:
                handle = stack.enter_context(open(target, "w", encoding="utf-8"))
                stack.enter_context(contextlib.redirect_stdout(handle))
            assert main(argv[1:] + ["--quiet"] * (argv[1] in ("predict", "select"))) == 0
    finally:
        os.chdir(previous)


def _in_tmp(code: str, dirs, tmp_path: Path) -> str:
    return _with_tiny_models(code, dirs).replace("runs/", f"{tmp_path}/")


def test_the_annotation_loop_commands_run_as_written(tiny_predictor_dirs, tmp_path):
    from test_annotation_loop import as_corrected_export

    block = _block("bash", "cronaca label-config")
    for argv in _commands(_in_tmp(block, tiny_predictor_dirs, tmp_path)):
        _run_cli(argv, ROOT)
    (task,) = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    assert task["data"]["id"] == EXAMPLE.name and task["predictions"][0]["result"]
    config = ET.parse(tmp_path / "label-config.xml").getroot()
    assert config.find("Labels").get("name") == task["predictions"][0]["result"][0]["from_name"]

    # "correct" in Label Studio: accept the predictions, export; then the entity retraining
    as_corrected_export(tmp_path / "tasks.json", tmp_path / "export.json")
    train = _block("bash", "cronaca train configs/ner-kind.yaml --set 'data.train=[runs/export")
    ner_command = _commands(_in_tmp(train, tiny_predictor_dirs, tmp_path))[0]
    _run_cli(ner_command + ["--set", "training.epochs=1", "--set", "training.precision=fp32"], ROOT)
    assert (tmp_path / "ner-loop" / "model" / "config.json").is_file()
    # the event-type retraining reads the project's whole event corpus: not run here

    pool = [
        {"id": f"p{i}", "text": text}
        for i, text in enumerate(["Raid su Hajin.", "Corteo a Roma."] * 3)
    ]
    (tmp_path / "pool.jsonl").write_text("".join(json.dumps(r) + "\n" for r in pool))
    select = _block("bash", "cronaca select")
    for argv in _commands(_in_tmp(select, tiny_predictor_dirs, tmp_path)):
        _run_cli(argv, ROOT)
    chosen = json.loads((tmp_path / "next.json").read_text(encoding="utf-8"))
    assert sorted(t["data"]["id"] for t in chosen) == ["p0", "p1"]  # the copies are dropped
