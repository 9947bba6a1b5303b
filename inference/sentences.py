"""Italian sentence segmentation with character offsets (pysbd's Italian rules).

A line break always ends a sentence first: in news feeds a headline sits on its own line, and
a paragraph break is never inside a sentence. Within a line, pysbd decides (abbreviations such
as "dott." or "S.p.A." and decimal numbers do not end a sentence). Spans exclude surrounding
whitespace, so ``text[start:end]`` is the sentence itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="it", clean=False, char_span=True)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, in order; none for blank text."""
    spans = []
    for line in _LINE.finditer(text):
        offset = line.start()
        for piece in _segmenter().segment(line.group()):
            start, end = offset + piece.start, offset + piece.end
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                spans.append((start, end))
    return spans
