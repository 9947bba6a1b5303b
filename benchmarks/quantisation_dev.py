"""Choosing the CPU int8 recipe on KIND WN_dev (never on WN_test): F1 and speed per recipe.

bfloat16 (the whole model cast, as ``precision="bf16"`` does) is measured beside them.

Each recipe dynamically quantises a different set of ``Linear`` layers, with per-tensor or
per-channel weight scales; the sentences are tagged on their gold words (the harness path), so
the F1 differences are the quantisation's alone. The recipe ``runtime.prepare`` uses for
``precision="int8"`` is the one chosen here; its WN_test figure is in the inference benchmark.

    python benchmarks/quantisation_dev.py --model runs/ner-wn/model
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from torch.ao.quantization import default_dynamic_qconfig, per_channel_dynamic_qconfig

ROOT = Path(__file__).resolve().parents[1]


def linear_names(model, keep) -> set[str]:
    return {
        name
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and keep(name)
    }


RECIPES = {
    "all linear (per-tensor)": (default_dynamic_qconfig, lambda name: True),
    "all linear (per-channel)": (per_channel_dynamic_qconfig, lambda name: True),
    "encoder only (per-channel)": (per_channel_dynamic_qconfig, lambda name: "encoder" in name),
    "encoder without output projections (per-channel; cronaca's int8)": (
        per_channel_dynamic_qconfig,
        None,  # runtime.int8_layers
    ),
    "encoder without the last 4 FFN outputs (per-channel)": (
        per_channel_dynamic_qconfig,
        lambda name: "encoder" in name and not _ffn_output_in(name, range(8, 12)),
    ),
    "encoder without the first 4 FFN outputs (per-channel)": (
        per_channel_dynamic_qconfig,
        lambda name: "encoder" in name and not _ffn_output_in(name, range(0, 4)),
    ),
}


def _ffn_output_in(name: str, layers: range) -> bool:
    """Whether ``name`` is the FFN output projection of one of ``layers``."""
    return any(name.endswith(f"layer.{i}.output.dense") for i in layers)


def main() -> None:
    from torch.ao.quantization import quantize_dynamic
    from transformers import AutoModelForTokenClassification

    from cronaca.inference.runtime import int8_layers
    from cronaca.inference.tagger import ModelTagger
    from cronaca.training.data.columns import read_conll
    from cronaca.training.evaluation.entities import score_tags

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--recipes", default=",".join(RECIPES))
    args = parser.parse_args()
    dev = list(read_conll(Path(args.data_dir) / "kind/evalita-2023/WN_dev.tsv"))[: args.sentences]
    texts, words, gold = [s.text for s in dev], [s.offsets for s in dev], [s.tags for s in dev]
    base = ModelTagger.from_pretrained(args.model, device="cpu", precision="fp32")
    print("| recipe | WN_dev strict F1 | Δ vs fp32 (points) | × fp32 speed |")
    print("|---|---|---|---|")
    reference = None
    for name in ["fp32", "bf16", *args.recipes.split(",")]:
        model = AutoModelForTokenClassification.from_pretrained(args.model).eval()
        if name == "bf16":
            model = model.to(torch.bfloat16)
        elif name != "fp32":
            qconfig, keep = RECIPES[name]
            layers = int8_layers(model) if keep is None else linear_names(model, keep)
            spec = {layer: qconfig for layer in layers}
            model = quantize_dynamic(model, spec)
        tagger = ModelTagger(model, base.tokenizer, base.settings)
        tagger.tag_words(texts[:32], words[:32])  # warm-up
        started = time.perf_counter()
        tags = tagger.tag_words(texts, words)
        seconds = time.perf_counter() - started
        f1 = score_tags(gold, tags)["strict"]["micro"]["f1"]
        reference = reference or (f1, seconds)
        print(
            f"| {name} | {f1:.4f} | {100 * (f1 - reference[0]):+.2f} | "
            f"{reference[1] / seconds:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
