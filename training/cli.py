"""The ``cronaca`` command line: one entry point, one sub-command per capability.

Every argument parser of the training side is defined here, the annotation tools' too
(:func:`run_tool`, behind ``python -m cronaca.training.data.TOOL``), so a command's options are
read in one place; the modules behind the commands take parsed arguments. The annotation
loop's commands (``predict``, ``label-config``, ``select``) share their options, so those are
defined together in :mod:`.annotation_loop` and registered here.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from . import annotation_loop

COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable]] = {}


def command(name: str, help: str, arguments: Callable[[argparse.ArgumentParser], None]):
    """Register ``function(args)`` as the sub-command ``name``."""

    def register(function: Callable) -> Callable:
        COMMANDS[name] = (help, arguments, function)
        return function

    return register


def _encoder_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache-dir", help="where converted models live (default: ~/.cache/cronaca)"
    )


@command(
    "encoder",
    "convert the embedded base encoder (once) and print its directory",
    _encoder_arguments,
)
def encoder(args: argparse.Namespace) -> int:
    from .base_models import DEFAULT_BASE_MODEL, resolve_base_model

    print(resolve_base_model(DEFAULT_BASE_MODEL, cache_dir=args.cache_dir))
    return 0


def _data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        help="corpus files: .tsv (KIND/CoNLL), .conllu "
        "(WikiNEuRal), .jsonl/.json (Label Studio, Doccano)",
    )
    parser.add_argument(
        "--on-invalid",
        choices=("repair", "error", "keep"),
        default="repair",
        help="what to do with an I- tag that opens an entity (default: repair)",
    )
    _drop_label_argument(
        parser, "map an entity type outside PER/ORG/LOC to O, counted in the report"
    )


def _drop_label_argument(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument(
        "--drop-label", action="append", default=[], metavar="TYPE", help=f"{help} (e.g. MISC)"
    )


@command(
    "data", "validate corpus files and print their sentence and entity counts", _data_arguments
)
def data(args: argparse.Namespace) -> int:
    from .data.corpora import corpus_summary
    from .data.records import CorpusError

    try:
        for path in args.paths:
            label_map = {label: None for label in args.drop_label} or None
            print(corpus_summary(path, on_invalid=args.on_invalid, label_map=label_map))
    except CorpusError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", help="an experiment YAML, e.g. configs/ner-kind.yaml")
    parser.add_argument("--profile", help="a named override set from the config (quick, full)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override any config key, e.g. --set training.epochs=5 --set output_dir=runs/x",
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue from output_dir/checkpoint if present"
    )


@command("train", "fine-tune a model from a YAML config", _train_arguments)
def train(args: argparse.Namespace) -> int:
    from .config import load_config
    from .tasks.train import SCORE_NAMES
    from .tasks.train import train as run_training

    config = load_config(args.config, args.profile, args.overrides)
    result = run_training(config, resume=args.resume)
    if os.environ.get("RANK", "0") != "0":  # under torchrun / accelerate launch: one report
        return 0
    print(
        f"best dev {SCORE_NAMES[config.task]} {result['best_dev_score']:.4f}; "
        f"model in {config.output_dir}/model"
    )
    return 0


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--split",
        type=Path,
        default=None,
        help="the corpus to score on (.tsv, .conllu, .jsonl); gold is scored raw "
        "(default: KIND WN_dev.tsv in the shared data folder)",
    )
    parser.add_argument(
        "--tagger",
        default="gazetteer",
        metavar="SPEC",
        help="'gazetteer' (the rule baseline; 'gazetteer:train,ucdp,kind' picks its sources) "
        "or a model directory (default: gazetteer)",
    )
    parser.add_argument("--compare", metavar="SPEC", help="a second tagger, compared pairwise")
    parser.add_argument(
        "--train",
        type=Path,
        nargs="+",
        default=None,
        metavar="PATH",
        help="training corpora for the gazetteer's entity strings (default: KIND WN_train.tsv)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: runs/eval/SPLIT-TAGGER)"
    )
    _bootstrap_arguments(parser)
    parser.add_argument(
        "--batch-size", type=int, default=256, help="sentences per tagger call (256)"
    )
    parser.add_argument("--device", default="auto", help="for model taggers: auto, cpu, cuda…")
    _drop_label_argument(parser, "map a gold entity type outside PER/ORG/LOC to O")


def _bootstrap_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bootstrap", type=int, default=1000, metavar="N", help="bootstrap resamples (1000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (0)")


def add_evaluate_events_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--split",
        choices=("train", "dev", "test"),
        default="dev",
        help="the split of the project's event corpus to score on (default: dev)",
    )
    parser.add_argument(
        "--labeller",
        default="keywords",
        metavar="SPEC",
        help="'keywords' (the rule baseline) or a model directory (default: keywords)",
    )
    parser.add_argument("--compare", metavar="SPEC", help="a second labeller, compared pairwise")
    parser.add_argument(
        "--out", type=Path, help="output folder (default: runs/eval/events-SPLIT-NAME)"
    )
    _bootstrap_arguments(parser)
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="one decision threshold for every type of --labeller (default: its own, else 0.5)",
    )
    parser.add_argument("--batch-size", type=int, default=256, help="texts per labeller call")
    parser.add_argument("--device", default="auto", help="for model labellers: auto, cpu, cuda…")
    parser.add_argument(
        "--events-dir",
        type=Path,
        help="the stand-off event label files (default: data/events of the repository)",
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="the shared data folder")


def evaluate(args: argparse.Namespace) -> int:
    """``cronaca evaluate`` and ``cronaca evaluate-events``: the harness of the command, imported
    only when it runs (model code stays unloaded for ``cronaca data``)."""
    if args.command == "evaluate":
        from .evaluation.entity_harness import evaluate_command
    else:
        from .evaluation.event_harness import evaluate_events_command as evaluate_command
    return evaluate_command(args)


command(
    "evaluate",
    "score a tagger (the gazetteer baseline or a model directory) on a split",
    add_evaluate_arguments,
)(evaluate)
command(
    "evaluate-events",
    "score an event-type labeller (the keyword baseline or a model directory) on a split of "
    "the project's event corpus",
    add_evaluate_events_arguments,
)(evaluate)


command(
    "predict",
    "annotate documents (JSONL, a text file or a folder) with entities and event types, as "
    "cronaca records (resumable), Label Studio tasks or Doccano JSONL",
    annotation_loop.predict_arguments,
)(annotation_loop.predict)
command(
    "merge",
    "write the outputs of cronaca predict --shard I/N as one output, in input order",
    annotation_loop.merge_arguments,
)(annotation_loop.merge)
command(
    "label-config",
    "print the Label Studio labelling configuration (XML) for the models' labels",
    annotation_loop.label_config_arguments,
)(annotation_loop.label_config)
command(
    "select",
    "rank a pool of documents by the models' uncertainty, drop near-duplicates, and write the "
    "top N as pre-annotated tasks",
    annotation_loop.select_arguments,
)(annotation_loop.select)


def _run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        choices=("quick", "full"),
        default="quick",
        help="quick: minutes on a laptop CPU; full: the benchmark runs",
    )
    parser.add_argument("--data-dir", help="the shared data folder (default: ../shared/data)")


@command(
    "run",
    "the main job: prepare the encoder, validate the corpora, then train, "
    "evaluate and annotate as those pieces land",
    _run_arguments,
)
def run(args: argparse.Namespace) -> int:
    from .main_job import main_job

    return main_job(profile=args.profile, data_dir=args.data_dir)


# --- the annotation tools: ``python -m cronaca.training.data.TOOL`` ------------------------------


def _event_candidates_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--items", help="news-in-brief-it JSONL")
    parser.add_argument("--out", required=True, help="scratch folder for the batches (not git)")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--negatives", type=int)
    parser.add_argument("--batch-size", type=int)


def _wider_candidates_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="scratch folder (not git)")
    parser.add_argument("--data-dir", type=Path, default=None)


def _event_import_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="command", required=True)
    imported = sub.add_parser("import", help="annotators' label files -> data/events stand-off")
    imported.add_argument("labels_dir", type=Path)
    imported.add_argument("--data-dir", type=Path)
    sub.add_parser("stats", help="counts per label, source and split (Markdown)")


def _entity_candidates_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="scratch folder for the batches (not git)")
    parser.add_argument("--events", help="the event corpus's news stand-off file")
    parser.add_argument("--items", help="news-in-brief-it JSONL")
    parser.add_argument("--seed", type=int)


def _entity_import_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="resolve an annotator's mentions; list every problem")
    check.add_argument("files", type=Path, nargs="+")
    imported = sub.add_parser("import", help="annotators' files -> data/entities stand-off")
    imported.add_argument("files", type=Path, nargs="+")
    imported.add_argument("--out", type=Path, help="stand-off file to write")
    agree = sub.add_parser("agreement", help="exact-span F1 and per-type F1 of two annotations")
    agree.add_argument("first", type=Path)
    agree.add_argument("second", type=Path)


TOOLS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "event_candidates": (
        "Write annotation batches of event-type candidates from news-in-brief-it.",
        _event_candidates_arguments,
    ),
    "wider_candidates": (
        "Write the round-two and -three batches.",
        _wider_candidates_arguments,
    ),
    "event_import": (
        "Annotators' label files into the stand-off files of ``data/events``, and their counts.",
        _event_import_arguments,
    ),
    "entity_candidates": (
        "Write annotation batches of news items for the entity corpus.",
        _entity_candidates_arguments,
    ),
    "entity_import": (
        "Annotators' mention lists -> character spans (check, import, agreement).",
        _entity_import_arguments,
    ),
}


def run_tool(name: str, function: Callable, argv: list[str] | None = None, **defaults) -> None:
    """Parse an annotation tool's arguments and call ``function(args)``. The tool passes its
    own function and ``defaults`` (the values it owns, such as its seed), so this module never
    imports a tool: ``python -m`` runs the tool, which calls back here."""
    description, arguments = TOOLS[name]
    parser = argparse.ArgumentParser(description=description)
    arguments(parser)
    parser.set_defaults(**defaults)
    function(parser.parse_args(argv))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cronaca", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help, arguments, function) in COMMANDS.items():
        child = sub.add_parser(name, help=help, description=help)
        arguments(child)
        child.set_defaults(function=function)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.function(args)


if __name__ == "__main__":
    sys.exit(main())
