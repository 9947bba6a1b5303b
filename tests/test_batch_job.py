"""The ``cronaca predict`` batch job: inputs, error records, order, resuming after a kill."""

import json
import subprocess
import sys

import pytest

from cronaca.inference.batch_job import JobError, done_keys, read_inputs, run_job
from cronaca.inference.predictor import Predictor

GOOD = "Il JNIM ha attaccato una base ad Acharan. Raid aerei su Hajin.\nCorteo a Roma."


@pytest.fixture(scope="module")
def predictor(tiny_predictor_dirs):
    return Predictor.from_pretrained(*tiny_predictor_dirs, device="cpu")


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write_jsonl(path, lines: list[bytes]):
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_jsonl_job_writes_one_record_per_input_in_order_with_error_records(predictor, tmp_path):
    source = tmp_path / "in.jsonl"
    _write_jsonl(
        source,
        [
            json.dumps({"id": "a", "text": GOOD}).encode(),
            b"{not json",
            json.dumps({"id": "b"}).encode(),
            b"",  # blank lines are skipped, not errors
            json.dumps({"id": 7, "text": ""}).encode(),
            json.dumps({"id": "a", "text": "again"}).encode(),
            b'{"id": "c", "text": "Citt\xe0"}',  # Latin-1, not UTF-8
            json.dumps({"id": "d", "text": "Raid su Idlib."}, ensure_ascii=False).encode(),
            b"[1, 2]",
        ],
    )
    out = tmp_path / "out.jsonl"
    summary = run_job(predictor, read_inputs(source), out, show_progress=False)
    records = _records(out)
    assert [r["id"] for r in records] == ["a", None, "b", 7, "a", None, "d", None]
    errors = {r["line"]: r["error"] for r in records if "error" in r}
    assert set(errors) == {2, 3, 6, 7, 9}
    assert "not valid JSON" in errors[2] and "missing 'text'" in errors[3]
    assert "duplicate id 'a' (first on line 1)" in errors[6]
    assert "not UTF-8" in errors[7] and "JSON object" in errors[9]
    assert all(r["source"] == str(source) for r in records if "error" in r)
    assert (summary.written, summary.errors, summary.skipped) == (3, 5, 0)
    first = records[0]
    assert first["text"] == GOOD and first["entities"] and len(first["sentences"]) == 3
    for entity in first["entities"]:
        assert GOOD[entity["start"] : entity["end"]] == entity["text"]
    empty = records[3]
    assert empty["entities"] == [] and empty["sentences"] == [] and empty["events"] == []


def test_folder_and_single_file_inputs(predictor, tmp_path):
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.txt").write_text(GOOD, encoding="utf-8")
    (folder / "sub" / "a.txt").write_text("Raid su Idlib.", encoding="utf-8")
    (folder / "bad.txt").write_bytes("Città".encode("latin-1"))
    (folder / "notes.md").write_text("ignored")
    out = tmp_path / "out.jsonl"
    run_job(predictor, read_inputs(folder), out, show_progress=False)
    records = _records(out)
    assert [r["id"] for r in records] == ["b.txt", "bad.txt", "sub/a.txt"]  # path order
    assert "not UTF-8 text (byte 0xe0" in records[1]["error"]
    single = list(read_inputs(folder / "b.txt"))
    assert [(item.id, item.text) for item in single] == [("b.txt", GOOD)]


def test_missing_input_empty_folder_and_huge_text_are_reported(tmp_path):
    with pytest.raises(JobError, match="no such file"):
        read_inputs(tmp_path / "nope.jsonl")
    (tmp_path / "empty").mkdir()
    with pytest.raises(JobError, match="no .txt files"):
        read_inputs(tmp_path / "empty")
    source = tmp_path / "in.jsonl"
    _write_jsonl(source, [json.dumps({"id": "x", "text": "a" * 101}).encode()])
    (item,) = read_inputs(source, max_characters=100)
    assert "101 characters, over the limit of 100" in item.error and item.line == 1


class Killed(Exception):
    pass


class DiesAfter:
    """A predictor that is killed after ``calls`` groups, as a run stopped by a signal."""

    def __init__(self, predictor, calls: int):
        self.predictor, self.calls = predictor, calls

    def predict(self, texts, batch_size=32):
        if self.calls == 0:
            raise Killed
        self.calls -= 1
        return self.predictor.predict(texts, batch_size)


def test_a_killed_run_is_finished_by_rerunning_it_with_nothing_lost_or_doubled(predictor, tmp_path):
    source = tmp_path / "in.jsonl"
    texts = [f"Raid aerei su Hajin numero {i}. Corteo a Roma." for i in range(30)]
    lines = [json.dumps({"id": f"n{i}", "text": t}).encode() for i, t in enumerate(texts)]
    lines.insert(5, b"{broken")
    _write_jsonl(source, lines)
    reference = tmp_path / "reference.jsonl"
    run_job(predictor, read_inputs(source), reference, show_progress=False, group_characters=200)

    out = tmp_path / "out.jsonl"
    with pytest.raises(Killed):
        run_job(
            DiesAfter(predictor, 3),
            read_inputs(source),
            out,
            show_progress=False,
            group_characters=200,
        )
    written = len(_records(out))
    assert 0 < written < len(lines)
    with out.open("ab") as handle:  # the kill also cut a line in half
        handle.write(b'{"id": "n99", "text": "Raid ae')
    summary = run_job(predictor, read_inputs(source), out, show_progress=False)
    assert summary.repaired_tail and summary.skipped == written
    assert _records(out) == _records(reference)  # same records, same order, each once

    again = run_job(predictor, read_inputs(source), out, show_progress=False)
    assert (again.written, again.errors, again.skipped) == (0, 0, len(lines))
    assert _records(out) == _records(reference)


def test_a_file_that_is_not_a_job_output_is_never_appended_to(predictor, tmp_path):
    source = tmp_path / "in.jsonl"
    _write_jsonl(source, [json.dumps({"id": "a", "text": GOOD}).encode()])
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "z", "text": "", "entities": []}\nhello world\n{"id": "y"}\n')
    before = out.read_bytes()
    with pytest.raises(JobError, match=r"out.jsonl:2: not a cronaca predict record"):
        run_job(predictor, read_inputs(source), out, show_progress=False)
    assert out.read_bytes() == before
    with pytest.raises(JobError):
        done_keys(out)
    with pytest.raises(JobError, match="is a folder"):
        run_job(predictor, read_inputs(source), tmp_path, show_progress=False)


def test_the_command_line_runs_and_resumes(tiny_predictor_dirs, tmp_path):
    ner, events = tiny_predictor_dirs
    source = tmp_path / "in.jsonl"
    _write_jsonl(source, [json.dumps({"id": i, "text": GOOD}).encode() for i in range(4)])
    out = tmp_path / "out.jsonl"
    base = [sys.executable, "-m", "cronaca.training.cli", "predict", "--model", str(ner)]
    base += ["--model", str(events), "--device", "cpu", "--batch-size", "4", "--quiet"]
    command = base + ["--input", str(source), "--output", str(out)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "4 written" in first.stderr
    records = _records(out)
    assert [r["id"] for r in records] == [0, 1, 2, 3]
    assert all(r["events"] for r in records)  # the event model ran (thresholds of 0)
    second = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0 and "0 written" in second.stderr and "4 already" in second.stderr
    assert _records(out) == records
    missing = subprocess.run(
        base + ["--input", str(tmp_path / "none.jsonl"), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert missing.returncode == 2 and "none.jsonl: no such file" in missing.stderr


def test_a_run_killed_by_sigkill_is_finished_by_the_same_command(tiny_predictor_dirs, tmp_path):
    """A real kill: the process dies between (or during) writes, wherever it happens to be."""
    import signal
    import time

    ner, _ = tiny_predictor_dirs
    paragraph = "Raid aerei su Hajin e Bahrah, poi un corteo a Roma contro la guerra. " * 30
    source = tmp_path / "in.jsonl"
    ids = [f"doc-{i}" for i in range(300)]  # ~630,000 characters: several groups
    _write_jsonl(source, [json.dumps({"id": i, "text": paragraph}).encode() for i in ids])
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "cronaca.training.cli", "predict", "--model", str(ner)]
    command += ["--input", str(source), "--output", str(out), "--device", "cpu", "--quiet"]
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while running.poll() is None and time.monotonic() < deadline:
        if out.exists() and out.stat().st_size > 0:
            running.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    assert running.wait(timeout=60) == -signal.SIGKILL  # killed mid-job, not finished
    assert 0 < out.read_bytes().count(b"\n") < len(ids)
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert [r["id"] for r in _records(out)] == ids  # each document once, in input order
