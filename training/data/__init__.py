"""Corpora: every source becomes a :class:`~.records.Corpus` of validated
:class:`~.records.Sentence` records; the event-type corpus and the tools that built it.

Readers: :mod:`.records` (the record, its report and errors), :mod:`.files` (lines and JSON
with their line numbers), :mod:`.columns` (KIND/CoNLL, WikiNEuRal), :mod:`.spans` (Label Studio,
Doccano), :mod:`.news` (news items and stand-off event labels), :mod:`.corpora` (any file by
its extension; where the shared data is).

The event-type corpus: :mod:`.splits` (the fixed split rules and the held-out guard, read by
the loader and the tools alike), :mod:`.event_corpus` (the loader training reads). Annotation
tools, run by hand: :mod:`.event_candidates` and :mod:`.wider_candidates` (which items
annotators read; cues in :mod:`.selection_cues`), :mod:`.event_import` (their labels into
``data/events``), :mod:`.agreement` (inter-annotator agreement).
"""
