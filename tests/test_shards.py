"""Sharded batch jobs: ``cronaca predict --shard I/N`` (or torchrun's RANK/WORLD_SIZE), a shard
killed and restarted, and the merge that puts every record back once, in input order."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from cronaca.inference.batch_job import JobError
from cronaca.inference.shards import Shard, merge

TEXT = "Il JNIM ha attaccato una base ad Acharan. Raid aerei su Hajin. Corteo a Roma. "


def _write_input(path, documents: int) -> None:
    lines = [json.dumps({"id": f"n{i}", "text": TEXT * (1 + i % 3)}) for i in range(documents)]
    lines.insert(3, "{broken")  # an error record has its place in the order too
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _predict(models, source, output, *extra, launcher=()):
    command = [*launcher, "-m", "cronaca.training.cli", "predict", "--input", str(source)]
    command += ["--output", str(output), "--quiet", *extra]
    for model in models:
        command += ["--model", str(model)]
    env = os.environ | {"HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(
        [sys.executable, *command], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _finish(process) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()[-3000:]
    return err.decode()


def test_shard_specs_and_the_torchrun_environment(monkeypatch):
    assert Shard.parse("1/4") == Shard(1, 4)
    for bad in ("4/4", "-1/2", "a/b", "2"):
        with pytest.raises(ValueError, match="--shard"):
            Shard.parse(bad)
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    assert Shard.from_environment() is None
    monkeypatch.setenv("WORLD_SIZE", "3")
    monkeypatch.setenv("RANK", "2")
    assert Shard.from_environment() == Shard(2, 3)
    shard = Shard(1, 3)
    assert [i for i in shard.take(range(8), [0])] == [1, 4, 7] and shard.expected(8) == 3


def test_merge_refuses_an_unfinished_shard_and_a_foreign_output(tmp_path):
    output = tmp_path / "out.jsonl"
    folder = tmp_path / "out.jsonl.shards"
    folder.mkdir()
    with pytest.raises(JobError, match="no shard outputs"):
        merge(output)
    for index, lines in ((0, ['{"id": "a"}', '{"id": "c"}']), (1, ['{"id": "b"}'])):
        (folder / f"{index:05d}-of-00002.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "00000-of-00002.done").write_text('{"inputs": 3, "records": 2}\n')
    with pytest.raises(JobError, match=r"shard\(s\) 1/2 not finished"):
        merge(output)
    (folder / "00001-of-00002.done").write_text('{"inputs": 4, "records": 2}\n')
    with pytest.raises(JobError, match="read different inputs"):
        merge(output)
    (folder / "00001-of-00002.done").write_text('{"inputs": 3, "records": 1}\n')
    output.write_text("someone else's file\n")
    with pytest.raises(JobError, match="not the merge"):
        merge(output)
    assert output.read_text() == "someone else's file\n"  # nothing already written is lost
    output.unlink()
    assert merge(output) == 3
    assert [json.loads(line)["id"] for line in output.read_text().splitlines()] == ["a", "b", "c"]
    (folder / "00001-of-00002.jsonl").write_text("")  # a shard that lost its records
    output.unlink()
    with pytest.raises(JobError, match="0 records, expected 1 of 3 inputs"):
        merge(output)


def test_two_shards_one_killed_and_restarted_end_with_every_record_once_in_order(
    tiny_predictor_dirs, tmp_path
):
    source = tmp_path / "in.jsonl"
    _write_input(source, 3000)
    reference = tmp_path / "reference.jsonl"
    _finish(_predict(tiny_predictor_dirs, source, reference))

    output = tmp_path / "out.jsonl"
    killed = _predict(tiny_predictor_dirs, source, output, "--shard", "1/2")
    shard_file = tmp_path / "out.jsonl.shards" / "00001-of-00002.jsonl"
    deadline = time.monotonic() + 120
    while not (shard_file.exists() and shard_file.stat().st_size) and killed.poll() is None:
        assert time.monotonic() < deadline, "shard 1 wrote nothing in two minutes"
        time.sleep(0.01)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert killed.returncode == -signal.SIGKILL, "shard 1 finished before it could be killed"
    assert not shard_file.with_suffix(".done").exists()
    written_before = shard_file.read_bytes().count(b"\n")  # whole lines: a cut one is redone
    assert 0 < written_before < 1500

    first = _finish(_predict(tiny_predictor_dirs, source, output, "--shard", "0/2"))
    assert not output.exists() and "merged" not in first  # shard 1 is not finished yet
    restarted = _finish(_predict(tiny_predictor_dirs, source, output, "--shard", "1/2"))
    assert f"{written_before} already there" in restarted and "all 2 shards merged" in restarted
    assert output.read_bytes() == reference.read_bytes()  # every record once, in input order


def test_under_torchrun_each_process_takes_its_shard_and_the_output_is_merged(tmp_path):
    source = tmp_path / "in.jsonl"
    _write_input(source, 40)
    reference = tmp_path / "reference.jsonl"
    _finish(_predict(["keywords"], source, reference))
    output = tmp_path / "out.jsonl"
    torchrun = ("-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2")
    _finish(_predict(["keywords"], source, output, launcher=torchrun))
    assert sorted(p.name for p in (tmp_path / "out.jsonl.shards").glob("*.done")) == [
        "00000-of-00002.done",
        "00001-of-00002.done",
    ]
    assert output.read_bytes() == reference.read_bytes()
