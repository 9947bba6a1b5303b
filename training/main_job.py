"""The main job behind ``cronaca run``: every capability that exists, in order, on one profile.

Today: the embedded encoder is converted (once) and every shared corpus is loaded and validated.
Fine-tuning, evaluation against the rule baselines and annotation of the example text join here
as they land, so that a fresh machine exercises the whole pipeline with one command.
"""

from __future__ import annotations

import time
from pathlib import Path

from .base_models import DEFAULT_BASE_MODEL, resolve_base_model
from .corpora import corpus_summary, shared_data_dir

KIND_FILES = [
    f"{domain}_{split}.tsv" for domain in ("WN", "FIC", "ADG") for split in ("train", "dev", "test")
]
WIKINEURAL_FILES = ["val.conllu", "test.conllu"]


def _step(title: str):
    print(f"\n== {title}", flush=True)
    return time.perf_counter()


def validate_corpora(data_dir: Path) -> None:
    """Load every shared corpus through the readers; a bad file stops the job with file:line."""
    for name in KIND_FILES:
        print(" ", corpus_summary(data_dir / "kind" / "evalita-2023" / name))
    for name in WIKINEURAL_FILES:
        # silver data with a fourth type: MISC is dropped to O on purpose, and counted
        print(" ", corpus_summary(data_dir / "wikineural-it" / name, label_map={"MISC": None}))
    print(" ", corpus_summary(data_dir / "news-in-brief-it" / "items-2025-12_2026-01.jsonl"))


def main_job(profile: str = "quick", data_dir: str | None = None) -> int:
    data = Path(data_dir) if data_dir else shared_data_dir()
    if not data.is_dir():
        raise SystemExit(f"cronaca run: shared data folder {data} not found (use --data-dir)")
    started = _step(f"base encoder: {DEFAULT_BASE_MODEL}")
    print(" ", resolve_base_model(DEFAULT_BASE_MODEL))
    _step(f"corpora in {data}")
    validate_corpora(data)
    print(f"\ncronaca run --profile {profile}: done in {time.perf_counter() - started:.0f} s")
    return 0
