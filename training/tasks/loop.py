"""The training loop every task shares: accelerate, length-grouped batches, checkpoints, resume.

A task (entities, event types) supplies its encoded examples, its model, how to pad a batch,
how to score the dev split and how to save the best model; this module does the rest:
seeded length-grouped batches, AdamW with linear warm-up and decay, bf16 autocast where the
hardware has it, a progress bar with loss and speed, dev scoring after every epoch with the
best model kept, and a checkpoint every ``checkpoint_every_steps`` that ``resume`` continues
from exactly (model, optimiser, scheduler, RNG and the position in the epoch's batch order).

Under ``torchrun`` (CPU, gloo) or ``accelerate launch`` (GPUs, nccl) the same loop runs data
parallel: every process builds the same batches, trains on its share of each
(:mod:`.processes`), and the main process alone scores dev, saves the model and writes the
checkpoint's files. ``batch_tokens`` stays the budget of one optimiser step, so the number of
processes changes the speed, not the training.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch
from tqdm.auto import tqdm

from cronaca.inference.batching import budget_batches
from cronaca.inference.runtime import cpu_has_bf16

from ..config import ExperimentConfig
from .common import recover_dir, replace_dir
from .processes import process_share

# how long the other processes wait while the main one scores dev or saves (gloo's default,
# 30 minutes, is shorter than a full dev pass on a slow CPU)
DEV_WAIT = timedelta(hours=2)
HEADS = ("classifier", "event_classifier")  # the new layers (head_learning_rate)


@dataclass
class Example:
    input_ids: list[int]
    labels: Any  # per-token label ids (entities) or a multi-hot vector (event types)


class Task(Protocol):
    model: torch.nn.Module
    examples: list[Example]
    summary: dict[str, Any]  # sizes of the data, saved with the scores

    def collate(self, rows: Sequence[Example]) -> dict[str, torch.Tensor]: ...

    def loss(self, model: torch.nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor: ...

    def evaluate(self, model: torch.nn.Module) -> dict[str, float]:
        """Dev scores; the key ``"score"`` (higher is better) selects the best model."""
        ...

    def save(self, model: torch.nn.Module, out: Path, scores: dict[str, Any]) -> None: ...


@dataclass
class Progress:
    epoch: int = 0
    step_in_epoch: int = 0
    global_step: int = 0
    best_score: float = -math.inf
    running_loss: float | None = None  # exponential moving average shown on the progress bar
    history: list[dict[str, Any]] = field(default_factory=list)

    def record_loss(self, loss: float) -> float:
        previous = self.running_loss
        self.running_loss = loss if previous is None else 0.95 * previous + 0.05 * loss
        return self.running_loss


def mixed_precision(precision: str) -> str:
    """accelerate's ``mixed_precision`` for a config's ``training.precision``."""
    if precision == "auto":
        native = torch.cuda.is_available() or cpu_has_bf16()
        precision = "bf16" if native else "fp32"
    return "bf16" if precision == "bf16" else "no"


def has_accelerator() -> bool:
    """A GPU (or another device torch drives) to train on."""
    device = getattr(torch, "accelerator", None)  # torch >= 2.6
    return device.is_available() if device else torch.cuda.is_available()


def epoch_batches(lengths: Sequence[int], config: ExperimentConfig, epoch: int) -> list[list[int]]:
    """Length-grouped batches in a seeded random order, the same for a given epoch on resume."""
    rng = np.random.default_rng(config.seed + epoch)
    order = rng.permutation(len(lengths))
    chunk = config.training.max_batch_size * 50  # sort within chunks: grouped, still shuffled
    batches = []
    for start in range(0, len(order), chunk):
        part = order[start : start + chunk]
        local = budget_batches(
            [lengths[i] for i in part], config.training.batch_tokens, config.training.max_batch_size
        )
        batches += [[int(part[i]) for i in batch] for batch in local]
    return [batches[i] for i in rng.permutation(len(batches))]


def build_optimizer(model: torch.nn.Module, config: ExperimentConfig) -> torch.optim.Optimizer:
    """AdamW; no weight decay on biases and norms; the new head may learn faster."""
    t = config.training
    head_lr = t.head_learning_rate or t.learning_rate
    groups: dict[tuple[float, float], list[torch.nn.Parameter]] = {}
    for name, parameter in model.named_parameters():
        if not parameter.requires_grad:
            continue
        no_decay = name.endswith("bias") or "LayerNorm" in name or "layer_norm" in name
        lr = head_lr if name.startswith(HEADS) else t.learning_rate
        groups.setdefault((lr, 0.0 if no_decay else t.weight_decay), []).append(parameter)
    return torch.optim.AdamW(
        [{"params": p, "lr": lr, "weight_decay": wd} for (lr, wd), p in groups.items()]
    )


class Loop:
    """One fine-tuning run of ``task`` under ``config``, writing into ``config.output_dir``."""

    def __init__(self, task: Task, config: ExperimentConfig):
        from accelerate import Accelerator
        from accelerate.utils import InitProcessGroupKwargs
        from transformers import get_linear_schedule_with_warmup

        self.task, self.config = task, config
        self.out = Path(config.output_dir)
        self.checkpoint = self.out / "checkpoint"
        self.lengths = [len(e.input_ids) for e in task.examples]
        steps_per_epoch = len(epoch_batches(self.lengths, config, 0))
        self.total_steps = max(1, math.ceil(config.training.epochs * steps_per_epoch))
        self.accelerator = Accelerator(
            # without cpu=True accelerate ignores torchrun's WORLD_SIZE on a machine with no
            # GPU, and each process trains alone on everything
            cpu=not has_accelerator(),
            mixed_precision=mixed_precision(config.training.precision),
            # one scheduler step per optimiser step: total_steps counts the shared batches, not
            # (as accelerate assumes by default) each process's own
            step_scheduler_with_optimizer=False,
            kwargs_handlers=[InitProcessGroupKwargs(timeout=DEV_WAIT)],
        )
        optimizer = build_optimizer(task.model, config)
        warmup = int(config.training.warmup_ratio * self.total_steps)
        scheduler = get_linear_schedule_with_warmup(optimizer, warmup, self.total_steps)
        self.model, self.optimizer, self.scheduler = self.accelerator.prepare(
            task.model, optimizer, scheduler
        )
        self.progress = Progress()

    @property
    def is_main(self) -> bool:
        return self.accelerator.is_main_process

    def resume(self) -> None:
        if self.is_main:
            recover_dir(self.checkpoint)
        self.accelerator.wait_for_everyone()
        if (self.checkpoint / "progress.json").is_file():
            # the model comes from safetensors, the optimiser, scheduler and RNG states through
            # torch.load(weights_only=True): a checkpoint cannot run code when resumed
            self.accelerator.load_state(str(self.checkpoint), load_kwargs={"weights_only": True})
            state = json.loads((self.checkpoint / "progress.json").read_text())
            self.progress = Progress(**state)
            self.accelerator.print(
                f"resuming at epoch {self.progress.epoch}, step {self.progress.step_in_epoch}"
            )

    def save_checkpoint(self) -> None:
        """Written aside and renamed into place, as the model: a kill while saving leaves the
        previous checkpoint (and its progress.json) whole. Every process writes its RNG state
        into the same folder (one output_dir that all processes see); the main process writes
        the rest and renames it."""
        staging = self.checkpoint.with_name(f".{self.checkpoint.name}.writing")
        if self.is_main:
            shutil.rmtree(staging, ignore_errors=True)
        self.accelerator.wait_for_everyone()
        self.accelerator.save_state(str(staging), safe_serialization=True)
        self.accelerator.wait_for_everyone()
        if self.is_main:
            (staging / "progress.json").write_text(json.dumps(asdict(self.progress)) + "\n")
            replace_dir(staging, self.checkpoint)
        self.accelerator.wait_for_everyone()

    def step(self, batch: list[int]) -> float:
        """One optimiser step on ``batch`` (this process trains on its share); the batch's loss."""
        a = self.accelerator
        rows, weight = process_share(batch, self.lengths, a.process_index, a.num_processes)
        inputs = self.task.collate([self.task.examples[i] for i in rows])
        loss = self.task.loss(self.model, {k: v.to(a.device) for k, v in inputs.items()})
        loss = loss * weight  # x 1.0 on one process: unchanged
        a.backward(loss)
        self.accelerator.clip_grad_norm_(
            self.model.parameters(), self.config.training.max_grad_norm
        )
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad()
        if a.num_processes > 1:  # the whole batch's loss, for the progress bar and history
            loss = a.reduce(loss.detach(), reduction="mean")
        return loss.item()

    def run_epoch(self, bar: tqdm, started: float, seen: list[int]) -> None:
        p = self.progress
        self.model.train()
        for batch in epoch_batches(self.lengths, self.config, p.epoch)[p.step_in_epoch :]:
            loss = p.record_loss(self.step(batch))
            p.step_in_epoch += 1
            p.global_step += 1
            seen[0] += len(batch)
            rate = seen[0] / (time.perf_counter() - started)
            bar.set_postfix(epoch=p.epoch, loss=f"{loss:.4f}", examples_s=f"{rate:.1f}")
            bar.update()
            if p.global_step % self.config.training.checkpoint_every_steps == 0:
                self.save_checkpoint()
            if p.global_step >= self.total_steps:
                break

    def end_epoch(self) -> None:
        from accelerate.utils import broadcast_object_list

        p = self.progress
        model = self.accelerator.unwrap_model(self.model)
        scores = self.task.evaluate(model) if self.is_main else None
        # every process keeps the same progress (and so the same checkpoint position)
        scores = broadcast_object_list([scores])[0]
        p.history.append(
            {"epoch": p.epoch, "step": p.global_step, "loss": p.running_loss, **scores}
        )
        self.accelerator.print(f"epoch {p.epoch}: dev {scores}")
        if scores["score"] > p.best_score:
            p.best_score = scores["score"]
            summary = {"epoch": p.epoch, "step": p.global_step, **scores, **self.task.summary}
            if self.is_main:
                self.task.save(model, self.out / "model", summary)
        p.epoch += 1
        p.step_in_epoch = 0
        self.save_checkpoint()

    def run(self) -> dict[str, Any]:
        self.out.mkdir(parents=True, exist_ok=True)
        started, seen = time.perf_counter(), [0]
        bar = tqdm(
            total=self.total_steps,
            initial=self.progress.global_step,
            desc="training",
            unit="step",
            disable=not self.is_main,
        )
        while self.progress.global_step < self.total_steps:
            self.run_epoch(bar, started, seen)
            self.end_epoch()
        bar.close()
        result = {
            "best_dev_score": self.progress.best_score,
            "steps": self.progress.global_step,
            "processes": self.accelerator.num_processes,
            "train_seconds": time.perf_counter() - started,
            "history": self.progress.history,
        }
        if self.is_main:
            (self.out / "history.json").write_text(json.dumps(result, indent=2) + "\n")
        return result


def fit(task: Task, config: ExperimentConfig, resume: bool = False) -> dict[str, Any]:
    loop = Loop(task, config)
    if resume:
        loop.resume()
    return loop.run()
