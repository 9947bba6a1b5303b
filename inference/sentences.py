"""Italian sentence segmentation with character offsets (sentencex, Wikimedia's segmenter).

A line break always ends a sentence first: in news feeds a headline sits on its own line, and
a paragraph break is never inside a sentence. Within a line, sentencex's Italian rules decide
(abbreviations such as "dott." and decimal numbers do not end a sentence). Spans exclude
surrounding whitespace, so ``text[start:end]`` is the sentence itself.

Why sentencex: on KIND's dev articles it places boundaries as precisely as pysbd (precision
0.97-0.99 for both) and is about 200 times faster; pysbd took longer than the model itself on
the CPU (``benchmarks/sentence_benchmark.py``, BENCHMARKS.md).
"""

from __future__ import annotations

import re
from itertools import islice

import sentencex

from .words import surrogate_problem

_LINE = re.compile(r"[^\n]+")
_UP_TO_LAST_SPACE = re.compile(r".*\s", re.DOTALL)
_STOP = re.compile(r"[.!?…。？！]")
# sentencex's time grows with (full stops x characters) of what it is given: one 1,000,000-
# character line of short sentences took hours. So a line is given to it in pieces of about
# CHUNK characters and at most MAX_STOPS full stops; a line within both limits (any real
# paragraph) is segmented exactly as a whole, a longer one may differ only where a quotation
# spans the edge of a piece (sentencex tracks open quotes).
CHUNK = 10_000
MAX_STOPS = 256


def _segments(line: str) -> list[tuple[int, int]]:
    """sentencex's segments of one (bounded) line as ``(start, end)``; they tile the line."""
    spans, position = [], 0
    for piece in sentencex.segment("it", line):
        found = line.find(piece, position)  # == position while the segments tile the line
        start = position if found < 0 else found
        spans.append((start, start + len(piece)))
        position = start + len(piece)
    return spans


def _cut(line: str, start: int) -> tuple[int, bool]:
    """Where the piece of ``line`` read from ``start`` ends (after its last space within CHUNK
    characters, or after its MAX_STOPS-th full stop), and whether the full stops decided it."""
    stop = len(line)
    if len(line) - start > CHUNK:
        space = _UP_TO_LAST_SPACE.match(line, start + CHUNK // 2, start + CHUNK)
        stop = space.end() if space else start + CHUNK
    stops = _STOP.finditer(line, start, stop)
    last = next(islice(stops, MAX_STOPS - 1, None), None)
    return (last.end(), True) if last and last.end() < stop else (stop, False)


def _pieces(line: str) -> list[tuple[int, int]]:
    """The segments of a line of any length, one bounded piece at a time (:func:`_cut`). The
    last two segments of a piece (cut short, or decided without what follows) are read again
    with the next one. A piece with no boundary in it (unless it holds MAX_STOPS full stops:
    then it is not prose, and is cut there) is carried on: its text joins the first segment of
    the next piece, so a long sentence stays whole. Pieces are never read again whole or grown:
    sentencex is also quadratic in quotation marks that never close (40,000 characters of "“"
    took 0.5 s, 4x per doubling; a 1,000,000-character line of them, read whole by the
    earlier doubling pieces, over 5 minutes; found by benchmarks/fuzz.py)."""
    spans, start, carried = [], 0, None
    while start < len(line):
        stop, by_stops = _cut(line, start)
        found = [(start + s, start + e) for s, e in _segments(line[start:stop])]
        if carried is not None and found:
            found[0], carried = (carried, found[0][1]), None
        if stop < len(line) and len(found) < 2 and not by_stops:
            carried = found[0][0] if found else carried  # the sentence goes on
            start = stop
            continue
        if stop < len(line) and len(found) > 1:
            found = found[: max(1, len(found) - 2)]
        spans += found
        start = found[-1][1] if found else stop
    if carried is not None:  # a sentence carried into a last piece of whitespace
        spans.append((carried, len(line)))
    return spans


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, in order; none for blank text. A
    ``ValueError`` for text that is not valid Unicode (a lone surrogate)."""
    problem = surrogate_problem(text)
    if problem:
        raise ValueError(problem)
    spans = []
    for line in _LINE.finditer(text):
        offset = line.start()
        for piece_start, piece_end in _pieces(line.group()):
            start, end = offset + piece_start, offset + piece_end
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                spans.append((start, end))
    return spans
