"""NER benchmark: cronaca's entity model on KIND and on conflict news, its levers, the peer.

In one run:

1. **levers** (``--levers``): one configuration per lever, each the ``--lever-profile``
   (``quick`` by default: CPU minutes) with one change, same seed, scored on the *dev* splits
   (KIND WN_dev and the news corpus's dev split) — levers are chosen on dev, never on test;
2. **the model** of ``--profile`` (``full`` by default), scored on KIND WN_test (held out:
   never trained or tuned on), the news corpus's test split, FIC_test and ADG_test with the
   same harness (strict IOB2 and lenient seqeval, bootstrap CIs, type confusion), against the
   gazetteer baseline built from the same training set; on news also by exact character spans
   through the Predictor (the path ``cronaca predict`` takes: sentence splitting, windows);
3. the plain Hugging Face Trainer recipe on the same training set (``--peer``), for the time
   ratio;
4. the entities the model finds in the example text.

Reports go to ``--out``; the headline figures to ``benchmarks/results/ner.json``.
``--part levers`` runs 1 only, ``--part model`` 2 and 4 (3 too with ``--peer``), ``--part peer``
3 only, beside a saved ``--model``; each merges its keys into the results file with its own
date, command and CPU flags (``levers_date``, ``peer_date``, ...).

    python benchmarks/ner_benchmark.py --profile full --levers --peer --out runs/bench-ner
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
from cronaca.training.baselines.registry import load_gazetteer
from cronaca.training.config import load_config
from cronaca.training.data.corpora import shared_data_dir
from cronaca.training.evaluation.entities import char_span_scores, score_tags
from cronaca.training.evaluation.entity_harness import evaluate, read_gold
from cronaca.training.tasks.common import load_files
from cronaca.training.tasks.ner import load_train_set
from cronaca.training.tasks.train import train

sys.path.insert(0, str(Path(__file__).parent))
from ner_trainer_peer import predict_tags, train_peer  # noqa: E402

from cronaca.inference.runtime import cpu_flags  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "ner.json"
KIND = "kind/evalita-2023"
NEWS_TEST, NEWS_DEV = "news-entities:test", "news-entities:dev"
WN = f"{KIND}/WN_train.tsv"
ALL_KIND = [WN, f"{KIND}/FIC_train.tsv", f"{KIND}/ADG_train.tsv"]
# one change each from the base (KIND WN_train alone, the profile's epochs and learning rate)
LEVERS = {
    "kind-wn": [f"data.train={json.dumps([WN])}"],
    "+news": [f"data.train={json.dumps([WN, 'news-entities:train'])}"],
    "all-kind+news": [f"data.train={json.dumps([*ALL_KIND, 'news-entities:train'])}"],
    "+news+silver": [
        f"data.train={json.dumps([WN, 'news-entities:train'])}",
        'data.silver=["wikineural-it/val.conllu"]',
        "data.silver_weight=0.3",
    ],
    "+news lr 5e-5": [
        f"data.train={json.dumps([WN, 'news-entities:train'])}",
        "training.learning_rate=5e-5",
    ],
    "+news 3 epochs": [
        f"data.train={json.dumps([WN, 'news-entities:train'])}",
        "training.epochs=3",
    ],
    # FLERT: 200 characters (about 50 tokens) of the same article on each side of a sentence
    "+news context 200": [
        f"data.train={json.dumps([WN, 'news-entities:train'])}",
        "features.context=200",
    ],
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    return f"{cpu}, {torch.get_num_threads()} threads, {gpu}; torch {torch.__version__}"


def trained(config, out: Path) -> tuple[ModelTagger, float]:
    config.output_dir = str(out)
    started = time.perf_counter()
    train(config)
    seconds = time.perf_counter() - started
    return ModelTagger.from_pretrained(out / "model", precision="fp32"), seconds


def history_seconds(path: Path) -> float | None:
    """The training time a run's ``history.json`` records, if it does."""
    if not path.exists():
        return None
    history = json.loads(path.read_text())
    return history.get("train_seconds") if isinstance(history, dict) else None


def micro_f1(tagger, sentences, out: Path, name: str, n_bootstrap: int) -> float:
    metrics = evaluate(tagger, sentences, out, split_name=name, n_bootstrap=n_bootstrap)
    return metrics["tagger"]["strict"]["micro"]["f1"]


def dev_scores(tagger, data: Path, out: Path) -> dict[str, float]:
    dev = {"WN_dev": read_gold(data / KIND / "WN_dev.tsv", []), "news_dev": read_gold(NEWS_DEV, [])}
    return {split: micro_f1(tagger, s, out / split, split, 200) for split, s in dev.items()}


def lever_table(args, data: Path, out: Path) -> dict:
    """Dev strict micro-F1 of each lever named (WN_dev, news dev) and its training time."""
    table, started = {}, time.perf_counter()
    names = [name for name in args.levers.split(",") if name]
    if unknown := [name for name in names if name not in LEVERS]:  # before hours of training
        raise SystemExit(f"unknown lever {unknown[0]!r}: one of {', '.join(LEVERS)}")
    for name in names:
        config = load_config(args.config, args.lever_profile, [*args.overrides, *LEVERS[name]])
        slug = name.replace(" ", "").replace(",", "-").replace("+", "plus-")
        tagger, seconds = trained(config, out / "levers" / slug)
        table[name] = {"train_seconds": seconds, "overrides": LEVERS[name]}
        table[name] |= dev_scores(tagger, data, out / "levers" / slug)
        print(name, table[name], flush=True)
        if args.part == "levers":  # a stopped run keeps the levers it finished
            write_results(levers_result(table, args, started), args.results)
    return table


def news_char_spans(tagger: ModelTagger) -> dict:
    """Exact character-span scores on the news test split, through the Predictor."""
    test = read_gold(NEWS_TEST, [])
    documents = Predictor(tagger).predict([s.text for s in test])
    predicted = [{(e.start, e.end, e.label) for e in d.entities} for d in documents]
    return char_span_scores([set(s.entity_char_spans()) for s in test], predicted)


def test_scores(tagger, gazetteer, data: Path, out: Path, n_bootstrap: int) -> dict:
    splits = {
        "WN_test": data / KIND / "WN_test.tsv",
        "news_test": Path(NEWS_TEST),
        "FIC_test": data / KIND / "FIC_test.tsv",
        "ADG_test": data / KIND / "ADG_test.tsv",
    }
    scores = {}
    for name, path in splits.items():
        compare = gazetteer if name in ("WN_test", "news_test") else None
        metrics = evaluate(
            tagger, read_gold(path, []), out / name, compare, split_name=name,
            n_bootstrap=n_bootstrap,
        )  # fmt: skip
        scores[name] = {
            "cronaca": metrics["tagger"],
            "gazetteer": metrics.get("compare"),
            "paired": metrics.get("paired_bootstrap"),
        }
    return scores


def peer_run(config, tagger, data: Path, out: Path, cronaca_seconds: float) -> dict:
    train_set = load_train_set(config)  # the same sentences cronaca trained on
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
    return {
        "train_seconds": seconds,
        "train_time_peer_over_cronaca": seconds / cronaca_seconds,
        "WN_test": score_tags([list(s.tags) for s in test], predicted),
        "recipe": "Trainer, first sub-token labels, lr 5e-5, batch 32, max_length 128, fp32, "
        "argmax decoding",
    }


def headline(scores: dict, news_spans: dict) -> dict:
    def f1(split: str) -> float:
        return scores[split]["cronaca"]["strict"]["micro"]["f1"]

    return {
        "wn_test_strict_f1": f1("WN_test"),
        "news_test_exact_f1": news_spans["micro"]["f1"],
        "news_test_token_strict_f1": f1("news_test"),
        "fic_test_f1": f1("FIC_test"),
        "adg_test_f1": f1("ADG_test"),
        "wn_test_gazetteer_f1": scores["WN_test"]["gazetteer"]["strict"]["micro"]["f1"],
        "news_test_gazetteer_f1": scores["news_test"]["gazetteer"]["strict"]["micro"]["f1"],
        "news_test_org_as_loc": scores["news_test"]["cronaca"]["type_confusion"]["ORG"]["LOC"],
        "news_test_loc_as_org": scores["news_test"]["cronaca"]["type_confusion"]["LOC"]["ORG"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=str(ROOT / "configs/ner-kind.yaml"))
    parser.add_argument("--profile", default="full")
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument(
        "--levers",
        nargs="?",
        const=",".join(LEVERS),
        default="",
        help="also train one run per lever (a comma list of LEVERS names; all when bare)",
    )
    parser.add_argument("--lever-profile", default="quick")
    parser.add_argument("--peer", action="store_true", help="also train the Trainer recipe")
    parser.add_argument(
        "--model",
        type=Path,
        help="score this saved model of --profile instead of training one (e.g. the main "
        "job's runs/ner-kind-quick/model); its training time is read from its history",
    )
    parser.add_argument("--out", default="runs/bench-ner")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument(
        "--part",
        default="all",
        choices=("all", "levers", "model", "peer"),
        help="levers: the lever table only; model: 2 and 4; peer: 3 only, for the --model "
        "given; each merges its keys into the results file, so parts can run at once on "
        "separate cores",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="the JSON file the parts merge into (another file for a variant of --profile)",
    )
    args = parser.parse_args()
    out, started = Path(args.out), time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    config = load_config(args.config, args.profile, args.overrides)
    data = Path(config.data.dir) if config.data.dir else shared_data_dir()
    result = {}
    if args.levers and args.part != "model":
        result |= levers_result(lever_table(args, data, out), args, started)
    if args.part in ("all", "model"):
        result |= model_part(args, config, data, out) | stamp("", started)
        result |= {"profile": args.profile, "overrides": args.overrides}
    if args.part == "peer":
        result |= {"peer": saved_model_peer(args, config, data, out)} | stamp("peer", started)
    write_results(result, args.results)
    print(json.dumps({k: v for k, v in result.items() if k != "example_entities"}, indent=1))


def saved_model_peer(args, config, data: Path, out: Path) -> dict:
    """The Trainer recipe beside a model trained earlier (its time read from its history)."""
    if not args.model:
        raise SystemExit("--part peer needs --model: the saved model of --profile to compare")
    tagger = ModelTagger.from_pretrained(args.model, precision="fp32")
    seconds = history_seconds(args.model.parent / "history.json")
    if not seconds:
        raise SystemExit(f"{args.model.parent / 'history.json'} records no train_seconds")
    return peer_run(config, tagger, data, out, seconds)


def levers_result(table: dict, args, started: float) -> dict:
    return {"levers_dev": table, "levers_profile": args.lever_profile} | stamp("levers", started)


def stamp(part: str, started: float) -> dict:
    """When, how and where a part ran: the two parts may run on different days or machines."""
    prefix = f"{part}_" if part else ""
    return {
        f"{prefix}date": date.today().isoformat(),
        f"{prefix}command": " ".join(sys.argv),
        f"{prefix}cpu_flags": cpu_flags(),
        f"{prefix}machine": machine(),
        f"{prefix}seconds": time.perf_counter() - started,
    }


def write_results(result: dict, path: Path) -> None:
    """Merge one part's keys into the results file, read at the end so that a part running
    beside another keeps what the other wrote meanwhile."""
    old = json.loads(path.read_text()) if path.is_file() else {}
    path.write_text(json.dumps(old | result, indent=2, ensure_ascii=False) + "\n")


def model_part(args, config, data: Path, out: Path) -> dict:
    """2-4: the model of --profile on the test splits, the peer, the example text."""
    result = {"model": str(args.model) if args.model else None}  # None: trained in this run
    if args.model:
        tagger = ModelTagger.from_pretrained(args.model, precision="fp32")
        result["cronaca_train_seconds"] = history_seconds(args.model.parent / "history.json")
    else:
        tagger, result["cronaca_train_seconds"] = trained(config, out / "model")
    result["model_dev"] = dev_scores(tagger, data, out / "model-dev")  # the lever table's row
    gazetteer = load_gazetteer(train_sentences=load_files(config.data.train, config))
    scores = test_scores(tagger, gazetteer, data, out / "test", args.bootstrap)
    news_spans = news_char_spans(tagger)
    result |= headline(scores, news_spans) | {"news_test_char_spans": news_spans}
    if args.peer and result["cronaca_train_seconds"]:
        result["peer"] = peer_run(config, tagger, data, out, result["cronaca_train_seconds"])
    text = (data / "examples" / "conflict-news-it.txt").read_text(encoding="utf-8")
    (document,) = Predictor(tagger).predict([text])
    result["example_entities"] = [
        {"start": e.start, "end": e.end, "label": e.label, "text": e.text}
        for e in document.entities
    ]
    (out / "scores.json").write_text(json.dumps(scores, indent=1, ensure_ascii=False) + "\n")
    return result


if __name__ == "__main__":
    main()
