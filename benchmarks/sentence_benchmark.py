"""Sentence splitters on Italian articles: boundary precision/recall and time, same run.

KIND's dev sentences (WN, FIC, ADG; never the test splits) are joined, ``--per-article`` at a
time, with a space into articles; a splitter is right where it ends a sentence where a gold
sentence ends. Headlines without final punctuation cannot be found by any splitter, so recall
is low for all; precision (no false breaks, which would cut an entity in two) is what matters.

Compared: cronaca's ``sentence_spans`` (sentencex) and, when installed, pysbd and blingfire
(``pip install pysbd blingfire``).

    python benchmarks/sentence_benchmark.py
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def splitters() -> dict:
    from cronaca.inference.sentences import sentence_spans

    found = {"cronaca (sentencex)": lambda text: {end for _, end in sentence_spans(text)}}
    try:
        import pysbd

        segmenter = pysbd.Segmenter(language="it", clean=False, char_span=True)
        found["pysbd 0.3"] = lambda text: {
            len(text[: span.end].rstrip()) for span in segmenter.segment(text)
        }
    except ImportError:
        pass
    try:
        import blingfire

        found["blingfire"] = lambda text: {
            end for _, end in blingfire.text_to_sentences_and_offsets(text)[1]
        }
    except ImportError:
        pass
    return found


def articles(data_dir: Path, name: str, limit: int, per_article: int):
    from cronaca.training.data.columns import read_conll

    texts = [s.text for s in read_conll(data_dir / f"kind/evalita-2023/{name}.tsv")][:limit]
    for first in range(0, len(texts), per_article):
        group = texts[first : first + per_article]
        text = " ".join(group)
        ends, position = set(), 0
        for sentence in group[:-1]:
            position += len(sentence)
            ends.add(position)
            position += 1
        yield text, ends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--sentences", type=int, default=600, help="per dev split")
    parser.add_argument("--per-article", type=int, default=15)
    args = parser.parse_args()
    print("| split | splitter | precision | recall | false breaks | seconds |")
    print("|---|---|---|---|---|---|")
    for name in ("WN_dev", "FIC_dev", "ADG_dev"):
        data = list(articles(Path(args.data_dir), name, args.sentences, args.per_article))
        for label, split in splitters().items():
            tp = fp = fn = 0
            started = time.perf_counter()
            for text, gold in data:
                predicted = split(text) - {len(text)}
                tp, fp, fn = (
                    tp + len(gold & predicted),
                    fp + len(predicted - gold),
                    fn + len(gold - predicted),
                )
            seconds = time.perf_counter() - started
            print(
                f"| {name} | {label} | {tp / (tp + fp):.3f} | {tp / (tp + fn):.3f} | {fp} | "
                f"{seconds:.2f} |"
            )


if __name__ == "__main__":
    main()
