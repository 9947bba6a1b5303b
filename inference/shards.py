"""Sharded batch jobs: ``cronaca predict --shard I/N`` on N processes or machines, then one output.

The input is dealt round robin: shard ``I`` of ``N`` (0-based, as Slurm's array index and
Kubernetes' completion index) predicts the inputs at positions ``I, I+N, I+2N, …``, so every
shard sees the same amount of the feed and needs nothing but the input to know its part. Each
shard writes its own ordinary, resumable job output (:mod:`.batch_job`)::

    OUTPUT.shards/00000-of-00002.jsonl     the records of shard 0, in input order
    OUTPUT.shards/00000-of-00002.done      written when the shard has finished: its counts

A killed shard is finished by running its command again. When the last shard finishes it
merges them (so does ``cronaca merge OUTPUT``): records interleaved back into input order,
checked to be each input exactly once, written aside and renamed into place as OUTPUT.
Under ``torchrun`` or ``accelerate launch`` the shard comes from ``RANK``/``WORLD_SIZE``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .batch_job import JobError, JobSummary, run_job

SHARD_NAME = re.compile(r"(\d{5})-of-(\d{5})\.jsonl")


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    @classmethod
    def parse(cls, spec: str) -> Shard:
        """``"I/N"``: shard ``I`` (0-based) of ``N``."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", spec)
        if not match:
            raise ValueError(f"--shard {spec!r}: expected I/N, e.g. 0/4 (shards count from 0)")
        index, count = int(match[1]), int(match[2])
        if not 0 <= index < count:
            raise ValueError(f"--shard {spec}: I must be 0 to {count - 1} (shards count from 0)")
        if count > 99_999:
            raise ValueError(f"--shard {spec}: at most 99,999 shards")
        return cls(index, count)

    @classmethod
    def from_environment(cls) -> Shard | None:
        """This process's shard under torchrun / accelerate launch (None: a single process)."""
        world = int(os.environ.get("WORLD_SIZE", "1"))
        return cls(int(os.environ.get("RANK", "0")), world) if world > 1 else None

    def output(self, output: Path) -> Path:
        return shard_dir(output) / f"{self.index:05d}-of-{self.count:05d}.jsonl"

    def marker(self, output: Path) -> Path:
        return self.output(output).with_suffix(".done")

    def take(self, items: Iterable, seen: list[int]) -> Iterator:
        """This shard's items; ``seen[0]`` counts every input read, for the marker."""
        for position, item in enumerate(items):
            seen[0] = position + 1
            if position % self.count == self.index:
                yield item

    def expected(self, inputs: int) -> int:
        """How many of ``inputs`` fall to this shard."""
        return len(range(self.index, inputs, self.count))


def run_shard(
    predictor, items: Iterable, output: Path, shard: Shard, **job
) -> tuple[JobSummary, int | None]:
    """Run ``shard``'s part of the job (resuming its own output), mark it done, and merge when
    it was the last to finish. Returns the shard's summary and the merged count (or None)."""
    output = Path(output)
    shard_dir(output).mkdir(parents=True, exist_ok=True)
    seen = [0]
    if job.get("total") is not None:
        job["total"] = shard.expected(job["total"])
    summary = run_job(predictor, shard.take(items, seen), shard.output(output), **job)
    mark_done(shard, output, seen[0])
    return summary, merge(output, shard.count) if finished(output, shard.count) else None


def local_device(device: str) -> str:
    """``auto`` under torchrun / accelerate launch on a GPU machine: this process's own GPU."""
    local = os.environ.get("LOCAL_RANK")
    if device != "auto" or local is None:
        return device
    import torch

    return f"cuda:{local}" if torch.cuda.is_available() else device


def shard_dir(output: Path) -> Path:
    return output.with_name(output.name + ".shards")


def mark_done(shard: Shard, output: Path, inputs: int) -> None:
    """The shard's output is complete: ``inputs`` read, its share of them written."""
    marker = shard.marker(output)
    staging = marker.with_name(f".{marker.name}.{os.getpid()}")
    staging.write_text(json.dumps({"inputs": inputs, "records": shard.expected(inputs)}) + "\n")
    staging.replace(marker)


def finished(output: Path, count: int) -> bool:
    return all(Shard(i, count).marker(output).is_file() for i in range(count))


def shard_count(output: Path) -> int:
    """N, from the shard files beside ``output``; an error if there are none or they disagree."""
    folder = shard_dir(output)
    counts = {int(m[2]) for p in folder.glob("*.jsonl") if (m := SHARD_NAME.fullmatch(p.name))}
    if not counts:
        raise JobError(f"{folder}: no shard outputs (run cronaca predict --shard I/N first)")
    if len(counts) > 1:
        raise JobError(f"{folder}: shards of different runs ({sorted(counts)} shards); keep one")
    return counts.pop()


def merge(output: Path, count: int | None = None) -> int:
    """Write the shards' records as ``output``, in input order; returns how many.

    Refuses (naming the shard and what to run) when a shard has not finished or holds other
    than its share. An ``output`` already there is left alone unless it is this same merge
    (two shards finishing together both merge; the second finds the work done).
    """
    output = Path(output)
    count = count or shard_count(output)
    shards = [Shard(i, count) for i in range(count)]
    inputs = _inputs(output, shards)
    lines = [_shard_lines(output, shard, inputs) for shard in shards]
    merged = b"".join(lines[position % count][position // count] for position in range(inputs))
    if output.exists():
        if output.read_bytes() == merged:
            return inputs
        raise JobError(
            f"{output}: exists and is not the merge of {shard_dir(output)}; "
            "remove it or choose another --output"
        )
    staging = output.with_name(f".{output.name}.merging.{os.getpid()}")
    staging.write_bytes(merged)
    staging.replace(output)
    return inputs


def _inputs(output: Path, shards: list[Shard]) -> int:
    unfinished = [s for s in shards if not s.marker(output).is_file()]
    if unfinished:
        names = ", ".join(f"{s.index}/{s.count}" for s in unfinished)
        raise JobError(
            f"{shard_dir(output)}: shard(s) {names} not finished; run cronaca predict again "
            "with the same --shard (it resumes), then cronaca merge"
        )
    totals = {json.loads(s.marker(output).read_text())["inputs"] for s in shards}
    if len(totals) > 1:
        raise JobError(f"{shard_dir(output)}: the shards read different inputs ({totals})")
    return totals.pop()


def _shard_lines(output: Path, shard: Shard, inputs: int) -> list[bytes]:
    path = shard.output(output)
    lines = path.read_bytes().splitlines(keepends=True) if path.exists() else []
    if len(lines) != shard.expected(inputs):
        raise JobError(
            f"{path}: {len(lines)} records, expected {shard.expected(inputs)} of {inputs} inputs; "
            f"run cronaca predict again with --shard {shard.index}/{shard.count}"
        )
    return lines
