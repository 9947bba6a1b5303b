"""The annotation loop's commands: ``cronaca predict`` (pre-annotations in the cronaca, Label
Studio or Doccano format), ``cronaca label-config`` (the Label Studio labelling configuration
for the models' labels) and ``cronaca select`` (the pool's documents most worth a human label).

Their argument parsers and functions live here and are registered by :mod:`.cli`, which keeps
the other commands; this module never imports the CLI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMAT_HELP = (
    "cronaca: one JSONL record per document with error records, resumable (default); "
    "label-studio: a JSON array of tasks with predictions; doccano: JSONL with label spans "
    "and cats (the new formats are rewritten whole, error records beside: OUTPUT.errors.jsonl)"
)


def _model_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        action="append",
        required=True,
        metavar="DIR|NAME",
        help="a saved model directory (entities or event types) or a built-in rule model: "
        "gazetteer (entities; gazetteer:train,ucdp,kind picks its sources) or keywords (event "
        "types); give it twice for both",
    )


def _runtime_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input", required=True, help="a .jsonl file (id, text), a text file, or a folder of .txt"
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
        help="auto: bf16 on a GPU and on CPUs with bfloat16 instructions; on other CPUs ONNX "
        "Runtime when installed, else fp32; int8: quantised, CPU only (BENCHMARKS.md)",
    )
    parser.add_argument(
        "--runtime",
        default="auto",
        choices=("auto", "torch", "onnx"),
        help="auto: ONNX Runtime with --precision auto on a CPU without bfloat16 (when "
        "installed), else PyTorch; onnx: fp32 or int8, exported once and cached",
    )
    parser.add_argument(
        "--max-characters",
        type=int,
        default=1_000_000,
        help="longer texts become error records (default: 1,000,000)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _format_argument(parser: argparse.ArgumentParser) -> None:
    from cronaca.inference.exports import FORMATS

    parser.add_argument("--format", choices=FORMATS, default="cronaca", help=FORMAT_HELP)


def predict_arguments(parser: argparse.ArgumentParser) -> None:
    _model_argument(parser)
    _runtime_arguments(parser)
    parser.add_argument(
        "--output", required=True, help="the file to write; a cronaca-format one is resumed"
    )
    _format_argument(parser)
    parser.add_argument(
        "--shard",
        metavar="I/N",
        help="predict only shard I (0-based) of N, e.g. a Slurm array task's: the inputs at "
        "positions I, I+N, …, into OUTPUT.shards/; the last shard to finish writes OUTPUT "
        "(cronaca merge does too). Under torchrun / accelerate launch it comes from RANK and "
        "WORLD_SIZE",
    )


def merge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("output", type=Path, help="the --output the shards were run with")


def merge(args: argparse.Namespace) -> int:
    from cronaca.inference.batch_job import JobError
    from cronaca.inference.shards import merge as merge_shards

    try:
        count = merge_shards(args.output)
    except (JobError, OSError) as error:
        print(f"cronaca merge: error: {error}", file=sys.stderr)
        return 2
    print(f"{args.output}: {count} records in input order", file=sys.stderr)
    return 0


def model_version(specs: list[str]) -> str:
    """What Label Studio shows as the prediction's model: the models as given on the command
    line (a directory's path names the run that trained it)."""
    return "cronaca:" + "+".join(str(spec) for spec in specs)


def _predictor(args: argparse.Namespace):
    from cronaca.inference.predictor import Predictor
    from cronaca.inference.shards import local_device

    from .baselines.registry import resolve_models

    # rule names become baseline objects here: the runtime core never imports training
    device = local_device(args.device)  # under torchrun on GPUs: this process's own
    return Predictor.from_models(resolve_models(args.model), device, args.precision, args.runtime)


def predict(args: argparse.Namespace) -> int:
    from cronaca.inference.batch_job import JobError, count_inputs, read_inputs, report, run_job
    from cronaca.inference.exports import errors_path, run_export
    from cronaca.inference.shards import Shard, run_shard

    merged = None
    try:
        shard = Shard.parse(args.shard) if args.shard else Shard.from_environment()
        if shard and args.format != "cronaca":
            raise ValueError("--shard writes the cronaca format (export the merged output)")
        items = read_inputs(args.input, args.max_characters)
        total = count_inputs(args.input)
        predictor = _predictor(args)
        if shard:
            job = {"batch_size": args.batch_size, "total": total, "show_progress": not args.quiet}
            summary, merged = run_shard(predictor, items, Path(args.output), shard, **job)
        elif args.format == "cronaca":
            summary = run_job(predictor, items, args.output, args.batch_size, total, not args.quiet)
        else:
            version = model_version(args.model)
            summary = run_export(
                predictor,
                items,
                args.output,
                args.format,
                version,
                args.batch_size,
                total,
                not args.quiet,
            )
    except (JobError, ValueError, OSError) as error:  # OSError: a gazetteer file missing
        print(f"cronaca predict: error: {error}", file=sys.stderr)
        return 2
    report(summary, shard.output(Path(args.output)) if shard else args.output)
    if merged is not None:
        print(f"{args.output}: all {shard.count} shards merged, {merged} records", file=sys.stderr)
    if args.format != "cronaca" and summary.errors:
        print(f"error records in {errors_path(args.output)}", file=sys.stderr)
    return 0


def label_config_arguments(parser: argparse.ArgumentParser) -> None:
    _model_argument(parser)


def label_config(args: argparse.Namespace) -> int:
    from cronaca.inference.exports import label_config as config_xml
    from cronaca.inference.exports import model_labels
    from cronaca.inference.labels import ENTITY_TYPES
    from cronaca.inference.predictor import model_kind

    from .baselines.registry import RULE_MODELS, load_keywords, rule_name

    labels: dict[str, list[str]] = {"entities": [], "events": []}
    try:
        for spec in args.model:
            # only a directory's config.json is read, no weights; the gazetteer (the three
            # types) is not built, as that reads its source files
            name = rule_name(spec)
            kind = RULE_MODELS[name] if name else model_kind(spec)
            if labels[kind]:
                raise ValueError(f"two {kind} models given (the second: {spec})")
            if name == "gazetteer":
                labels[kind] = list(ENTITY_TYPES)
            else:
                labels[kind] = model_labels(kind, load_keywords(spec) if name else spec)
    except (ValueError, OSError) as error:
        print(f"cronaca label-config: error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(config_xml(labels["entities"], labels["events"]))
    return 0


def select_arguments(parser: argparse.ArgumentParser) -> None:
    _model_argument(parser)
    _runtime_arguments(parser)
    parser.add_argument("--n", type=int, required=True, help="how many documents to choose")
    parser.add_argument("--output", type=Path, help="the file to write (default: stdout)")
    _format_argument(parser)


def select(args: argparse.Namespace) -> int:
    from cronaca.inference.batch_job import JobError, read_inputs
    from cronaca.inference.exports import dump_records, write_errors, write_export

    if args.n < 1:
        print("cronaca select: error: --n must be at least 1", file=sys.stderr)
        return 2
    try:
        items = list(read_inputs(args.input, args.max_characters))
        predictor = _predictor(args)
        records = _selected_records(predictor, items, args)
        if args.output:
            write_export(args.output, args.format, records)
            write_errors(args.output, [item for item in items if item.error is not None])
        else:
            dump_records(sys.stdout, args.format, records)
    except (JobError, ValueError, OSError) as error:
        print(f"cronaca select: error: {error}", file=sys.stderr)
        return 2
    unreadable = sum(item.error is not None for item in items)
    print(
        f"{len(records)} of {len(items) - unreadable} documents chosen "
        f"({unreadable} unreadable inputs skipped)",
        file=sys.stderr,
    )
    return 0


def _selected_records(predictor, items, args: argparse.Namespace) -> list[dict]:
    """The chosen documents, most uncertain first, pre-annotated in ``args.format``, each with
    its rank and uncertainty (Label Studio: in the task's ``meta``; else a ``selection`` key)."""
    from cronaca.inference.exports import export_record
    from cronaca.inference.selection import choose, pool_uncertainties

    readable = [item for item in items if item.error is None]
    texts = [item.text for item in readable]
    scores = pool_uncertainties(predictor.tagger, predictor.labeller, texts, args.batch_size)
    chosen = choose([i.id for i in readable], texts, [s.score for s in scores], args.n)
    documents = predictor.predict([texts[k] for k in chosen], args.batch_size)
    version = model_version(args.model)
    records = []
    for rank, (k, document) in enumerate(zip(chosen, documents, strict=True)):
        record = export_record(args.format, readable[k].id, document, version)
        selection = {"rank": rank, **scores[k].to_dict()}
        (record["meta"] if args.format == "label-studio" else record)["selection"] = selection
        records.append(record)
    return records
