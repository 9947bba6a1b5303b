"""Evaluation: one harness per task, scoring any system behind the inference protocols (a
model, a rule baseline) with the same statistics.

:mod:`.stats` (P/R/F1 from counts, the bootstrap and paired bootstrap over per-unit count
matrices, intervals) and :mod:`.report` (files, strict JSON, Markdown and chart helpers) are
shared; entities: :mod:`.entities` (scores), :mod:`.entity_harness` (``cronaca evaluate``),
:mod:`.entity_report`; event types: :mod:`.events`, :mod:`.event_harness`
(``cronaca evaluate-events``), :mod:`.event_report`.
"""
