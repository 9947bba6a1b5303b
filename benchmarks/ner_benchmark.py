"""NER benchmark: cronaca's fine-tuning vs the plain Hugging Face Trainer recipe, same run.

Both train on the same files, for the same epochs, from the same encoder; both are scored on
KIND WN_test (held out: never trained or tuned on) with the same harness (strict IOB2 and
lenient seqeval, bootstrap CIs); cronaca is also compared with the gazetteer baseline and
scored cross-domain on FIC_test and ADG_test; the entities it finds in the example text are
listed. Results go to ``--out`` (JSON + Markdown), to be copied into BENCHMARKS.md.

    python benchmarks/ner_benchmark.py --profile full --peer --out benchmarks/results/ner
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import date
from pathlib import Path

import torch

from cronaca.inference.predictor import Predictor
from cronaca.inference.tagger import ModelTagger
from cronaca.training.base_models import resolve_base_model
from cronaca.training.config import load_config
from cronaca.training.data.corpora import shared_data_dir
from cronaca.training.evaluation.entities import score_tags
from cronaca.training.evaluation.entity_harness import evaluate, load_tagger, read_gold
from cronaca.training.tasks.ner import load_train_set
from cronaca.training.tasks.train import train

sys.path.insert(0, str(Path(__file__).parent))
from ner_trainer_peer import predict_tags, train_peer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KIND = "kind/evalita-2023"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    return f"{cpu}, {torch.get_num_threads()} threads, {gpu}; torch {torch.__version__}"


def example_entities(tagger: ModelTagger, text: str) -> list[dict]:
    """The entities the API returns for ``text`` (the same path as ``cronaca predict``)."""
    (document,) = Predictor(tagger).predict([text])
    keep = ("start", "end", "label", "text")
    return [{key: getattr(entity, key) for key in keep} for entity in document.entities]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=str(ROOT / "configs/ner-kind.yaml"))
    parser.add_argument("--profile", default="full")
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument("--peer", action="store_true", help="also train the Trainer recipe")
    parser.add_argument("--out", default=str(ROOT / "benchmarks/results/ner"))
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()

    config = load_config(args.config, args.profile, args.overrides)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = Path(config.data.dir) if config.data.dir else shared_data_dir()
    result = {
        "date": date.today().isoformat(),
        "machine": machine(),
        "command": sys.argv,
        "config": args.config,
        "profile": args.profile,
        "overrides": args.overrides,
    }

    started = time.perf_counter()
    history = train(config)
    result["cronaca_train_seconds"] = time.perf_counter() - started
    result["cronaca_history"] = history["history"]
    model_dir = Path(config.output_dir) / "model"
    tagger = ModelTagger.from_pretrained(model_dir)
    tagger.name = "cronaca"
    gazetteer = load_tagger("gazetteer", [data / f for f in config.data.train])

    scores = {}
    for split in ("WN_test", "FIC_test", "ADG_test"):
        sentences = read_gold(data / KIND / f"{split}.tsv", [])
        compare = gazetteer if split == "WN_test" else None
        metrics = evaluate(
            tagger, sentences, out / split, compare, split_name=split, n_bootstrap=args.bootstrap
        )
        scores[split] = metrics
    result["scores"] = {
        s: {
            "cronaca": m["tagger"],
            "gazetteer": m.get("compare"),
            "paired": m.get("paired_bootstrap"),
        }
        for s, m in scores.items()
    }

    if args.peer:
        train_set = load_train_set(config)  # the same sentences cronaca trained on
        started = time.perf_counter()
        trainer, tokenizer, id2label, seconds = train_peer(
            resolve_base_model(config.base_model),
            train_set,
            tagger.labels,
            out / "peer",
            epochs=config.training.epochs,
            seed=config.seed,
        )
        test = read_gold(data / KIND / "WN_test.tsv", [])
        predicted = predict_tags(trainer, tokenizer, test, id2label, max_length=128)
        peer_scores = score_tags([list(s.tags) for s in test], predicted)
        result["peer"] = {
            "train_seconds": seconds,
            "WN_test": peer_scores,
            "recipe": "Trainer, first sub-token labels, lr 5e-5, batch 32, "
            "max_length 128, fp32, argmax decoding",
        }
        ours = scores["WN_test"]["tagger"]["strict"]["micro"]["f1"]
        result["ratios"] = {
            "f1_cronaca_minus_peer": ours - peer_scores["strict"]["micro"]["f1"],
            "train_time_peer_over_cronaca": seconds / result["cronaca_train_seconds"],
        }

    text = (data / "examples" / "conflict-news-it.txt").read_text(encoding="utf-8")
    result["example_entities"] = example_entities(tagger, text)
    (out / "result.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "example_entities"}, indent=1)[:4000])


if __name__ == "__main__":
    main()
