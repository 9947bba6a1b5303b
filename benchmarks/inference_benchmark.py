"""Inference benchmark: cronaca's predictor vs the transformers pipeline, same model, same run.

Texts: the first ``--sentences`` sentences of KIND WN_test (evaluation only), either one text
per sentence ("sentences") or joined, ``--article-sentences`` at a time, into articles
("articles"); spelt as natural running text or as the gold tokens joined by spaces (see
:func:`load_texts`: the pipeline groups sub-tokens into words at whitespace only). Each system
runs in a fresh subprocess (so its peak memory is its own) on the same fine-tuned model:

- ``pipeline``: ``pipeline("token-classification", aggregation_strategy="first",
  batch_size=32)``; ``stride`` is added for texts longer than the model's 512 positions, which
  the pipeline would otherwise truncate;
- ``cronaca-fp32`` / ``-int8`` / ``-bf16``: ``Predictor.predict(texts, batch_size=32)`` at that
  precision on PyTorch (sentence splitting, windows, Viterbi decoding included);
- ``cronaca-onnx-fp32`` / ``-onnx-int8``: the same on ONNX Runtime (``runtime="onnx"``; the
  export is cached before timing);
- ``cronaca-auto``: ``precision="auto"``, ``runtime="auto"``: what a user gets by default.

``--no-bf16`` makes every worker treat the CPU as one without bfloat16 instructions (what
``auto`` then chooses, and the pipeline, are those of an AVX2-only CPU; the kernels still use
whatever else the CPU has, AVX-512 included). The headline ratios of the default path over the
pipeline, and the int8 peak memory, also go into ``benchmarks/results/inference.json``.

Timing covers the predict call only (after a short warm-up; the best of ``--repeats`` calls),
not loading. Entities come back as character spans, are mapped onto the gold tokens and scored
with the project's harness (strict IOB2 micro-F1), so every system is scored the same way.

    python benchmarks/inference_benchmark.py --model runs/ner-wn/model \
        --out benchmarks/results/inference
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from itertools import product
from pathlib import Path

from cronaca.inference.runtime import cpu_flags

ROOT = Path(__file__).resolve().parents[1]
SYSTEMS = (
    "pipeline",
    "cronaca-fp32",
    "cronaca-int8",
    "cronaca-bf16",
    "cronaca-onnx-fp32",
    "cronaca-onnx-int8",
    "cronaca-auto",
)
HEADLINES = ROOT / "benchmarks" / "results" / "inference.json"
MODES = ("sentences", "articles")
SPELLINGS = ("natural", "tokens")


# ---------------------------------------------------------------- texts and gold


def load_texts(data_dir: Path, n_sentences: int, mode: str, per_article: int, spelling: str):
    """``(texts, words, tags)``: each text, its gold tokens' character spans and IOB2 tags.

    ``spelling="natural"``: KIND's tokens detokenised into running text ("Fiat."), as users'
    texts are; ``"tokens"``: the gold tokens joined by single spaces ("Fiat ."), which gives the
    pipeline's whitespace-based word grouping the gold words.
    """
    from cronaca.training.data.columns import read_conll

    sentences = list(read_conll(data_dir / "kind/evalita-2023/WN_test.tsv"))[:n_sentences]
    size = 1 if mode == "sentences" else per_article
    texts, words, tags = [], [], []
    for first in range(0, len(sentences), size):
        parts, spans, gold, position = [], [], [], 0
        for sentence in sentences[first : first + size]:
            text, offsets = sentence.text, sentence.offsets
            if spelling == "tokens":
                text, offsets = " ".join(sentence.tokens), []
                for token in sentence.tokens:
                    start = offsets[-1][1] + 1 if offsets else 0
                    offsets.append((start, start + len(token)))
            spans += [(position + s, position + e) for s, e in offsets]
            gold += list(sentence.tags)
            parts.append(text)
            position += len(text) + 1
        texts.append(" ".join(parts))
        words.append(spans)
        tags.append(gold)
    return texts, words, tags


def entities_to_tags(entities, spans) -> list[str]:
    """IOB2 tags of the gold tokens an entity covers (a token is in if it overlaps it)."""
    tags = ["O"] * len(spans)
    for start, end, label in sorted(entities):
        inside = [i for i, (s, e) in enumerate(spans) if s < end and e > start]
        for k, i in enumerate(inside):
            if tags[i] == "O":
                tags[i] = ("B-" if k == 0 else "I-") + label
    return tags


# ---------------------------------------------------------------- one system, in a subprocess


def run_system(
    system: str, model: str, texts: list[str], batch_size: int, device: str, repeats: int = 1
):
    """``(entities per text, seconds)`` where an entity is ``(start, end, label)``; the
    seconds are the best of ``repeats`` calls (on a shared 2-core VM one call's time varied by
    up to a third between identical systems, 2026-12-03)."""
    if system == "pipeline":
        predict = _pipeline(model, texts, batch_size, device)
    else:
        runtime, precision = system_settings(system)
        predict = _cronaca(model, precision, runtime, batch_size, device)
    predict(texts[:8])  # warm-up: first calls allocate and pick kernels
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        entities = predict(texts)
        times.append(time.perf_counter() - started)
    return entities, min(times)


def _pipeline(model: str, texts: list[str], batch_size: int, device: str):
    from transformers import AutoTokenizer, pipeline

    tokenizer = AutoTokenizer.from_pretrained(model)
    tokenizer.model_max_length = 512
    longest = max(len(ids) for ids in tokenizer(texts)["input_ids"])
    options = {"stride": 32} if longest > tokenizer.model_max_length else {}
    pipe = pipeline(
        "token-classification",
        model=model,
        tokenizer=tokenizer,
        aggregation_strategy="first",
        batch_size=batch_size,
        device=device,
        **options,
    )

    def predict(batch):
        return [[(e["start"], e["end"], e["entity_group"]) for e in found] for found in pipe(batch)]

    return predict


def system_settings(system: str) -> tuple[str, str]:
    """``(runtime, precision)`` of ``cronaca-PRECISION``, ``cronaca-onnx-PRECISION`` or
    ``cronaca-auto``."""
    parts = system.split("-")[1:]
    if parts == ["auto"]:
        return "auto", "auto"
    if parts[0] == "onnx":
        return "onnx", parts[1]
    return "torch", parts[0]


def _cronaca(model: str, precision: str, runtime: str, batch_size: int, device: str):
    from cronaca.inference.predictor import Predictor

    predictor = Predictor.from_pretrained(
        entities=model, device=device, precision=precision, runtime=runtime
    )

    def predict(batch):
        documents = predictor.predict(batch, batch_size=batch_size)
        return [[(e.start, e.end, e.label) for e in d.entities] for d in documents]

    return predict


def worker(args) -> None:
    if args.no_bf16:
        from cronaca.inference import runtime

        runtime.cpu_has_bf16 = lambda: False  # as on a CPU without AVX512-BF16 / AMX
    texts, _, _ = load_texts(
        Path(args.data_dir), args.sentences, args.mode, args.article_sentences, args.spelling
    )
    entities, seconds = run_system(
        args.worker, args.model, texts, args.batch_size, args.device, args.repeats
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    result = {"seconds": seconds, "peak_rss_mb": peak_mb, "entities": entities}
    if args.device.startswith("cuda"):
        import torch

        result["peak_gpu_mb"] = torch.cuda.max_memory_allocated() / 2**20
    Path(args.result).write_text(json.dumps(result))


# ---------------------------------------------------------------- the comparison


def score(result: dict, words, gold) -> float:
    from cronaca.training.evaluation.entities import score_tags

    predicted = [entities_to_tags(e, w) for e, w in zip(result["entities"], words)]
    return score_tags(gold, predicted)["strict"]["micro"]["f1"]


def subword_tokens(model: str, texts: list[str]) -> int:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    return sum(len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"])


def matmul_parameters(model: str) -> int:
    """Parameters used in matrix products per token (all but the embedding tables)."""
    from transformers import AutoModelForTokenClassification

    loaded = AutoModelForTokenClassification.from_pretrained(model)
    embeddings = sum(p.numel() for n, p in loaded.named_parameters() if "embeddings" in n)
    return sum(p.numel() for p in loaded.parameters()) - embeddings


def measure(args, mode: str, spelling: str, system: str, out: Path) -> dict:
    path = out / f"{mode}-{spelling}-{system}.json"
    command = [sys.executable, __file__, "--worker", system, "--mode", mode, "--result", str(path)]
    command += ["--spelling", spelling]
    for name in (
        "model",
        "data_dir",
        "sentences",
        "article_sentences",
        "batch_size",
        "device",
        "repeats",
    ):
        command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    command += ["--no-bf16"] if args.no_bf16 else []
    subprocess.run(command, check=True)
    return json.loads(path.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="a fine-tuned entity model directory")
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--article-sentences", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=1, help="timed calls; the best is kept")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--spellings", default=",".join(SPELLINGS))
    parser.add_argument(
        "--peak-tflops",
        type=float,
        help="the device's peak dense TFLOP/s at the precision used (e.g. 989 for an H100/H200 "
        "in bf16): adds each system's share of it",
    )
    parser.add_argument(
        "--no-bf16", action="store_true", help="every system as on a CPU without bfloat16"
    )
    parser.add_argument("--out", default=str(ROOT / "runs/bench-inference"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--spelling", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    systems = [s for s in args.systems.split(",") if s]
    if args.device != "cpu":  # int8 and ONNX Runtime are CPU paths
        systems = [s for s in systems if s != "cronaca-int8" and "onnx" not in s]
    report = {
        "date": date.today().isoformat(),
        "machine": machine(args.device),
        "command": " ".join(sys.argv),
        "cpu_flags": cpu_flags(),
        "no_bf16": args.no_bf16,
        "model": args.model,
        "matmul_parameters": matmul_parameters(args.model),
        "results": {},
    }
    for mode, spelling in product(args.modes.split(","), args.spellings.split(",")):
        texts, words, gold = load_texts(
            Path(args.data_dir), args.sentences, mode, args.article_sentences, spelling
        )
        tokens = subword_tokens(args.model, texts)
        flops = 2 * report["matmul_parameters"] * tokens  # a lower bound: attention scores aside
        rows = {}
        for system in systems:
            result = measure(args, mode, spelling, system, out)
            rows[system] = {
                "f1": score(result, words, gold),
                "sentences_per_s": args.sentences / result["seconds"],
                "tokens_per_s": tokens / result["seconds"],
                "seconds": result["seconds"],
                "tflops": flops / result["seconds"] / 1e12,
                "peak_rss_mb": result["peak_rss_mb"],
                **({"peak_gpu_mb": result["peak_gpu_mb"]} if "peak_gpu_mb" in result else {}),
            }
            if args.peak_tflops:
                rows[system]["share_of_peak"] = rows[system]["tflops"] / args.peak_tflops
            print(mode, spelling, system, json.dumps(rows[system]), flush=True)
        base = rows.get("pipeline")
        for row in rows.values():
            if base:
                row["speedup_vs_pipeline"] = base["seconds"] / row["seconds"]
        report["results"][f"{mode}, {spelling}"] = {
            "texts": len(texts),
            "subword_tokens": tokens,
            "systems": rows,
        }
    (out / "inference.json").write_text(json.dumps(report, indent=2))
    (out / "inference.md").write_text(render(report))
    write_headlines(report, HEADLINES)
    print(render(report))


def write_headlines(report: dict, path: Path) -> None:
    """The default path's ratio over the pipeline (natural spelling) and the int8 peak memory,
    into ``path`` (its other keys kept)."""
    headlines = json.loads(path.read_text()) if path.is_file() else {}
    prefix = "noavx512" if report["no_bf16"] else "default"
    for mode in MODES:
        rows = report["results"].get(f"{mode}, natural", {}).get("systems", {})
        if "cronaca-auto" in rows and "speedup_vs_pipeline" in rows["cronaca-auto"]:
            headlines[f"{prefix}_{mode}_ratio"] = round(
                rows["cronaca-auto"]["speedup_vs_pipeline"], 2
            )
            headlines[f"{prefix}_{mode}_f1"] = {
                name: round(rows[name]["f1"], 4) for name in ("pipeline", "cronaca-auto")
            }
    peaks = [
        row["peak_rss_mb"]
        for result in report["results"].values()
        for name, row in result["systems"].items()
        if name.endswith("int8")
    ]
    if peaks:
        headlines["int8_peak_rss_mb"] = round(max(peaks))
    headlines["inference_benchmark"] = {
        k: report[k] for k in ("date", "machine", "command", "cpu_flags", "no_bf16")
    }
    path.write_text(json.dumps(headlines, indent=2) + "\n")


def machine(device: str) -> str:
    import platform

    import torch

    cpu = platform.processor() or platform.machine()
    where = torch.cuda.get_device_name(0) if device.startswith("cuda") else "CPU only"
    return f"{cpu}, {torch.get_num_threads()} threads, {where}; torch {torch.__version__}"


def render(report: dict) -> str:
    lines = [f"Date {report['date']}; {report['machine']}", f"`{report['command']}`", ""]
    lines += [
        "| texts | system | strict F1 | sentences/s | tokens/s | × pipeline | peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode, block in report["results"].items():
        for system, row in block["systems"].items():
            lines.append(
                f"| {mode} ({block['texts']}) | {system} | {row['f1']:.4f} | "
                f"{row['sentences_per_s']:.1f} | {row['tokens_per_s']:.0f} | "
                f"{row.get('speedup_vs_pipeline', float('nan')):.2f} | "
                f"{row['peak_rss_mb']:.0f} MB |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
