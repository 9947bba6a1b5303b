"""The ``cronaca`` command line: one entry point, one sub-command per capability."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

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
    parser.add_argument(
        "--drop-label",
        action="append",
        default=[],
        metavar="TYPE",
        help="map an entity type outside PER/ORG/LOC to O, counted in the report (e.g. MISC)",
    )


@command(
    "data", "validate corpus files and print their sentence and entity counts", _data_arguments
)
def data(args: argparse.Namespace) -> int:
    from .corpora import CorpusError, corpus_summary

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
    from .train import train as run_training

    config = load_config(args.config, args.profile, args.overrides)
    result = run_training(config, resume=args.resume)
    print(
        f"best dev strict micro-F1 {result['best_dev_score']:.4f}; "
        f"model in {config.output_dir}/model"
    )
    return 0


def _evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    from .evaluate import add_evaluate_arguments

    add_evaluate_arguments(parser)


@command(
    "evaluate",
    "score a tagger (the gazetteer baseline or a model directory) on a split",
    _evaluate_arguments,
)
def evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate_command

    return evaluate_command(args)


def _evaluate_events_arguments(parser: argparse.ArgumentParser) -> None:
    from .evaluate_events import add_evaluate_events_arguments

    add_evaluate_events_arguments(parser)


@command(
    "evaluate-events",
    "score an event-type labeller (the keyword baseline or a model directory) on a split of "
    "the project's event corpus",
    _evaluate_events_arguments,
)
def evaluate_events(args: argparse.Namespace) -> int:
    from .evaluate_events import evaluate_events_command

    return evaluate_events_command(args)


def _predict_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        action="append",
        required=True,
        metavar="DIR",
        help="a saved model directory (entities or event types); give it twice for both",
    )
    parser.add_argument(
        "--input", required=True, help="a .jsonl file (id, text), a text file, or a folder of .txt"
    )
    parser.add_argument(
        "--output", required=True, help="the JSONL file to write; an existing one is resumed"
    )
    parser.add_argument(
        "--batch-size", type=int, default=32, help="windows per forward pass (default: 32)"
    )
    parser.add_argument(
        "--device", default="auto", help="auto, cpu, cuda or cuda:N (default: auto)"
    )
    parser.add_argument(
        "--precision",
        default="auto",
        choices=("auto", "fp32", "bf16", "fp16", "int8"),
        help="auto: bf16 on a GPU, fp32 on the CPU; int8: quantised, CPU only (BENCHMARKS.md)",
    )
    parser.add_argument(
        "--max-characters",
        type=int,
        default=1_000_000,
        help="longer texts become error records (default: 1,000,000)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


@command(
    "predict",
    "annotate documents (JSONL, a text file or a folder) with entities and event types; resumable",
    _predict_arguments,
)
def predict(args: argparse.Namespace) -> int:
    from cronaca.inference.batch_job import JobError, count_inputs, read_inputs, report, run_job
    from cronaca.inference.predictor import Predictor

    try:
        items = read_inputs(args.input, args.max_characters)
        total = count_inputs(args.input)
        predictor = Predictor.from_model_dirs(args.model, args.device, args.precision)
        summary = run_job(
            predictor, items, args.output, args.batch_size, total, show_progress=not args.quiet
        )
    except (JobError, ValueError) as error:
        print(f"cronaca predict: error: {error}", file=sys.stderr)
        return 2
    report(summary, args.output)
    return 0


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
