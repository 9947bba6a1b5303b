"""Which document each sentence belongs to, for document context (FLERT,
:mod:`cronaca.inference.context`): context must never cross from one article into another.

A reader that knows the documents puts their id in ``meta["document"]``. KIND's column files
do not mark them: their articles (Wikinews) and chapters are contiguous runs of sentences, and
a Wikinews article opens with its title, a line with no final punctuation. So a column file is
cut before every such title-like line; a section heading is cut too, which only costs some
context, while a missed title (one ending in "?") lets context cross one boundary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .records import Sentence

# a sentence that ends like this is body text, not a title or heading
BODY_END = re.compile(r"[.!?:;,»\"”’')\]…]\s*$")
TITLE_MAX_CHARACTERS = 160


def _is_title(sentences: Sequence[Sentence], i: int) -> bool:
    text = sentences[i].text
    after = sentences[i + 1].text if i + 1 < len(sentences) else ""
    before = sentences[i - 1].text if i else ""
    return (
        len(text) <= TITLE_MAX_CHARACTERS
        and not BODY_END.search(text)
        and text[:1].isupper()
        and (not before or bool(BODY_END.search(before)))
        and after[:1].isupper()
    )


def _position(sentence_id: str) -> tuple[str, int] | None:
    """``("WN_train", 12)`` of a column file's ``WN_train:12``; None for other ids."""
    stem, _, index = sentence_id.rpartition(":")
    return (stem, int(index)) if stem and index.isdigit() else None


def document_ids(sentences: Sequence[Sentence]) -> list[str]:
    """One document id per sentence, in the given order: ``meta["document"]`` where the reader
    set it; for consecutive sentences of one column file, the run since the last title-like
    line; otherwise the sentence is a document of its own (no context)."""
    ids: list[str] = []
    current = None
    for i, sentence in enumerate(sentences):
        if "document" in sentence.meta:
            ids.append(str(sentence.meta["document"]))
            current = None
            continue
        position = _position(sentence.id)
        previous = _position(sentences[i - 1].id) if i else None
        follows = (
            position is not None
            and previous is not None
            and previous == (position[0], position[1] - 1)
        )
        if current is None or not follows or _is_title(sentences, i):
            current = sentence.id if position is None else f"{position[0]}@{position[1]}"
        ids.append(current)
    return ids
