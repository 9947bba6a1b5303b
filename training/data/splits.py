"""The fixed splits of the event corpus's sources, and the one guard of the held-out benchmarks.

Splits are fixed, never random: the same event is reported by many outlets on the same days,
and an article's sentences are contiguous, so a random split would leak a story or an article
across splits. Both the annotation tools (which write each batch line's split) and the corpus
loader (which gives each record the split of its source) read these rules, so the two cannot
disagree.

- news-in-brief-it: by date (:func:`split_for`);
- KIND ``WN_train``/``WN_dev`` (:func:`kind_split`) and ``FIC_*``/``ADG_*`` train and dev
  (:func:`kind_dev_split`): a ``*_train`` file is train, a ``*_dev`` file is cut in two halves
  by position, dev then test;
- WikiNEuRal-it ``val`` by position (:func:`position_split`): 70 % train, 15 % dev, 15 % test.
"""

from __future__ import annotations

TEST_FROM = "2026-01-24"  # test: date >= TEST_FROM (last days of January 2026, and later)
DEV_FROM = "2026-01-17"  # dev: DEV_FROM <= date < TEST_FROM; train: everything earlier

# the KIND files of round two (fiction, De Gasperi) and WikiNEuRal-it's file read for events
KIND_STEMS = ("FIC_train", "FIC_dev", "ADG_train", "ADG_dev")
WIKINEURAL_STEM = "val"

# Never trained, tuned or annotated on: KIND's WN_test (the entity benchmark) and
# WikiNEuRal-it's test file (read as ids "test:N"), both held out for evaluation.
HELD_OUT_STEMS = frozenset({"WN_test", "test"})


def is_held_out(stem: str) -> bool:
    """Whether a file stem, or the stem of a record id (``WN_test`` of ``WN_test:12``), names a
    held-out benchmark; a copy such as ``WN_test-fixed`` is one too."""
    return stem in HELD_OUT_STEMS or stem.startswith("WN_test")


def split_for(date: str) -> str:
    """Fixed split by the item's ``date`` (ISO ``YYYY-MM-DD``): train / dev / test."""
    if date >= TEST_FROM:
        return "test"
    if date >= DEV_FROM:
        return "dev"
    return "train"


def kind_split(sentence_id: str, n_dev_sentences: int) -> str:
    """KIND: train from ``WN_train``; ``WN_dev`` cut in two by position (articles are
    contiguous, so a positional cut leaks at most one article): first half dev, second test.
    ``WN_test`` is the held-out NER benchmark and is never selected."""
    stem, _, index = sentence_id.partition(":")
    if stem == "WN_train":
        return "train"
    if stem == "WN_dev":
        return "dev" if int(index) < n_dev_sentences // 2 else "test"
    raise ValueError(f"{sentence_id}: only WN_train and WN_dev sentences are annotated")


def kind_dev_split(sentence_id: str, n_sentences: int) -> str:
    """KIND FIC/ADG: a ``*_train`` sentence is train; a ``*_dev`` file's first half dev, the
    second test."""
    stem, _, index = sentence_id.partition(":")
    if stem.endswith("_train"):
        return "train"
    return "dev" if int(index) < n_sentences // 2 else "test"


def position_split(index: int, total: int) -> str:
    """WikiNEuRal val: articles are contiguous, so cut by position (leaks at most one)."""
    if index < total * 0.70:
        return "train"
    return "dev" if index < total * 0.85 else "test"
