"""Data-parallel training: two CPU processes (torchrun, gloo) on a tiny model.

The claims: the processes share each step's batch (each row trained once per epoch between
them, the same number of optimiser steps as one process), the result matches one process
with the same config (the whole batch) within float rounding, and a checkpoint written under
one number of processes resumes under another.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from test_train import TRAIN, write_tsv
from tiny import save_tiny_model

from cronaca.training.config import load_config
from cronaca.training.tasks.processes import process_share
from cronaca.training.tasks.train import train

ROOT = Path(__file__).resolve().parents[1]
# float rounding of an average of two shares against one mean, over ~16 AdamW steps at lr 1e-3
WEIGHT_TOLERANCE = 1e-4


def test_each_row_of_a_batch_goes_to_exactly_one_process_and_the_weights_average_to_one():
    lengths = [5, 9, 3, 7, 7, 2, 8]
    batch = [0, 1, 2, 3, 4, 5, 6]
    for world in (1, 2, 3, 4):
        shares = [process_share(batch, lengths, rank, world) for rank in range(world)]
        rows = sorted(i for share, _ in shares for i in share)
        assert rows == batch
        # DDP averages the processes' gradients of weight x (share's mean loss): each row's
        # coefficient is then 1 / rows, the batch's mean as one process computes it
        for share, weight in shares:
            assert weight / world / len(share) == pytest.approx(1 / len(batch))
    assert process_share([4], lengths, 1, 2) == ([4], 0.0)  # no row: a weightless stand-in


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ddp")
    base = save_tiny_model(folder / "tiny", dropout=0.0)
    return {
        "base_model": str(base),
        "data.train": [write_tsv(folder / "train.tsv", TRAIN * 8)],
        "data.dev": [write_tsv(folder / "dev.tsv", TRAIN)],
        "training.epochs": 2,
        "training.batch_tokens": 256,
        "training.max_batch_size": 8,
        "training.learning_rate": 1e-3,
        "training.freeze_word_embeddings": False,
        "training.checkpoint_every_steps": 3,
        "training.precision": "fp32",
    }


def _config(settings, output_dir):
    overrides = [
        f"{k}={json.dumps(v)}" for k, v in (settings | {"output_dir": str(output_dir)}).items()
    ]
    return load_config(ROOT / "configs" / "ner-kind.yaml", overrides=overrides)


def _torchrun(settings, output_dir, *extra) -> dict:
    overrides = settings | {"output_dir": str(output_dir)}
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2"]
    command += ["--standalone", "-m", "cronaca.training.cli", "train"]  # a free port
    command += [str(ROOT / "configs" / "ner-kind.yaml"), *extra]
    for key, value in overrides.items():
        command += ["--set", f"{key}={json.dumps(value)}"]
    env = os.environ | {"HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    (Path(output_dir).parent / "torchrun.err").write_text(done.stderr)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("best dev") == 1  # one report, from the main process
    return json.loads((Path(output_dir) / "history.json").read_text())


def _weights(output_dir) -> dict[str, torch.Tensor]:
    return load_file(str(Path(output_dir) / "checkpoint" / "model.safetensors"))


def _largest_difference(a, b) -> float:
    assert a.keys() == b.keys()
    return max((a[k].float() - b[k].float()).abs().max().item() for k in a)


@pytest.fixture(scope="module")
def one_process(settings, tmp_path_factory):
    out = tmp_path_factory.mktemp("one") / "run"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as each torchrun process: the same kernels, the same rounding
    try:
        return train(_config(settings, out)), out
    finally:
        torch.set_num_threads(threads)


def test_two_processes_train_the_same_model_as_one_in_the_same_steps(
    settings, one_process, tmp_path
):
    single, single_dir = one_process
    double = _torchrun(settings, tmp_path / "run")
    assert (double["processes"], single["processes"]) == (2, 1)
    assert double["steps"] == single["steps"]
    assert [h["epoch"] for h in double["history"]] == [0, 1]
    for ours, theirs in zip(double["history"], single["history"]):
        assert ours["loss"] == pytest.approx(theirs["loss"], rel=1e-3)
    difference = _largest_difference(_weights(tmp_path / "run"), _weights(single_dir))
    assert difference < WEIGHT_TOLERANCE
    assert (tmp_path / "run" / "model" / "model.safetensors").is_file()


def test_a_one_process_checkpoint_resumes_under_two(settings, one_process, tmp_path, monkeypatch):
    from cronaca.training.tasks import ner as task_module

    single, single_dir = one_process
    real_pad, calls = task_module.pad_batch, []

    def interrupted(*args, **kwargs):  # killed during step 8, after the step-6 checkpoint
        calls.append(1)
        if len(calls) == 8:
            raise KeyboardInterrupt
        return real_pad(*args, **kwargs)

    monkeypatch.setattr(task_module, "pad_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        train(_config(settings, tmp_path / "run"))
    progress = json.loads((tmp_path / "run" / "checkpoint" / "progress.json").read_text())
    assert progress["global_step"] == 6
    resumed = _torchrun(settings, tmp_path / "run", "--resume")
    assert resumed["processes"] == 2 and resumed["steps"] == single["steps"]
    difference = _largest_difference(_weights(tmp_path / "run"), _weights(single_dir))
    assert difference < WEIGHT_TOLERANCE
