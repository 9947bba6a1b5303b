"""Tokenisation into model windows: the ONE preprocessing path of training and inference.

A text arrives with its *words* as character spans (gold tokens of a corpus, or
:func:`cronaca.inference.words.word_spans` of raw text). The text itself, not the word list,
goes through the fast tokenizer, so training sees exactly the pieces inference will see.

- Each word is read at the sub-token that contains its first character (the "first
  sub-token"). Offsets are trimmed of the space a ``▁`` piece covers, so a bare ``▁`` piece
  never stands for a word.
- Texts longer than the model's limit become overlapping windows (``stride`` tokens shared);
  nothing is ever truncated. A word seen in several windows is read in the one where it sits
  farthest from an edge.
- Optional context (FLERT): neighbouring text can be placed around the focus text; only the
  focus words are labelled and read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .words import surrogate_problem

IGNORE = -100  # the label id the loss skips


@dataclass(frozen=True)
class Window:
    """One model input: token ids, and for each focus word read here, its token position."""

    example: int  # index of the source text in the batch
    input_ids: list[int]
    word_ids: np.ndarray  # indices (into the example's words) read in this window
    positions: np.ndarray  # token position of each of those words
    centrality: np.ndarray  # distance of each word's token to the nearer window edge

    def __len__(self) -> int:
        return len(self.input_ids)


# every whitespace code point (Python's ``str.isspace``): all of them lie below U+3001
_SPACE_CODES = np.asarray([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)


def trimmed_starts(text: str, offsets: np.ndarray) -> np.ndarray:
    """Start offsets moved past the whitespace a metaspace piece covers (vectorised: the text's
    code points are read as an array; one step suffices, runs of spaces collapse)."""
    starts = offsets[:, 0].copy()
    pieces = np.flatnonzero(offsets[:, 1] > starts)
    if len(pieces):
        codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
        on_space = np.isin(codes[starts[pieces]], _SPACE_CODES)
        starts[pieces[on_space]] += 1
    return starts


def _window(example: int, text: str, encoding, word_starts: np.ndarray, focus: range) -> Window:
    offsets = np.asarray(encoding.offsets, dtype=np.int64)
    special = np.asarray(encoding.special_tokens_mask, dtype=bool)
    starts, ends = trimmed_starts(text, offsets), offsets[:, 1]
    content = np.flatnonzero(~special & (ends > starts))
    if len(content) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Window(example, list(encoding.ids), empty, empty, empty)
    lo, hi = starts[content[0]], ends[content[-1]]
    words = np.arange(focus.start, focus.stop)
    inside = (word_starts[words] >= lo) & (word_starts[words] < hi)
    words = words[inside]
    # the content token whose trimmed start is the last one at or before the word's start
    at = np.searchsorted(starts[content], word_starts[words], side="right") - 1
    positions = content[at]
    centrality = np.minimum(positions - content[0], content[-1] - positions)
    return Window(example, list(encoding.ids), words - focus.start, positions, centrality)


def encode(
    tokenizer,
    texts: Sequence[str],
    words: Sequence[Sequence[tuple[int, int]]] | None = None,
    max_length: int = 256,
    stride: int = 32,
    focus: Sequence[tuple[int, int]] | None = None,
) -> list[Window]:
    """Windows for a batch of texts.

    ``words[i]`` are the word spans of ``texts[i]`` (``None``: no words are read, as for
    text classification). With ``focus[i] = (first, stop)`` only words ``first..stop-1`` are
    read (the rest is context); word ids are then relative to ``first``.
    """
    for index, text in enumerate(texts):
        problem = surrogate_problem(text)
        if problem:
            raise ValueError(f"text {index}: {problem}")
    if not texts:  # the tokenizer fails on an empty batch (a group of empty documents)
        return []
    words = words if words is not None else [()] * len(texts)
    batch = tokenizer(
        list(texts),
        add_special_tokens=True,
        truncation=True,
        max_length=max_length,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        return_special_tokens_mask=True,
    )
    windows = []
    for row, example in enumerate(batch["overflow_to_sample_mapping"]):
        spans = words[example]
        word_starts = np.asarray([s for s, _ in spans], dtype=np.int64)
        span_focus = range(*(focus[example] if focus else (0, len(spans))))
        windows.append(
            _window(example, texts[example], batch.encodings[row], word_starts, span_focus)
        )
    return windows


def token_labels(window: Window, word_labels: Sequence[int]) -> list[int]:
    """Training labels: the word's label at its token, ``IGNORE`` everywhere else.

    Where two words share a token (``»,`` as one piece), the first word's label is kept.
    """
    labels = np.full(len(window), IGNORE, dtype=np.int64)
    ids = np.asarray(word_labels, dtype=np.int64)[window.word_ids]
    labels[window.positions[::-1]] = ids[::-1]  # reversed: the first word writes last, and wins
    return labels.tolist()


def gather_word_scores(
    windows: Sequence[Window], token_scores: Sequence[np.ndarray], n_words: Sequence[int]
) -> list[np.ndarray]:
    """Per example, a ``[n_words, n_labels]`` array read from each word's most central window.

    ``token_scores[k]`` is ``[len(windows[k]), n_labels]``. Words sharing a token share its
    row; a word no window reads (nothing but characters the normaliser removes) scores zero.
    """
    n_labels = token_scores[0].shape[1] if len(token_scores) else 0
    scores = [np.zeros((n, n_labels), dtype=np.float32) for n in n_words]
    best = [np.full(n, -1, dtype=np.int64) for n in n_words]
    for window, window_scores in zip(windows, token_scores):
        target, seen = scores[window.example], best[window.example]
        better = window.centrality > seen[window.word_ids]
        words = window.word_ids[better]
        target[words] = window_scores[window.positions[better]]
        seen[words] = window.centrality[better]
    return scores
