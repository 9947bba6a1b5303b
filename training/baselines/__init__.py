"""Rule and frozen-encoder baselines behind the same protocols as the models, so one harness
scores them all: :mod:`.gazetteer` (entities), :mod:`.keywords` with its lexicon
:mod:`.event_cues` (event types), :mod:`.frozen_floor` (event types from the untouched encoder).

:mod:`.registry` resolves the rule models' names (``gazetteer``, ``keywords``) for the
harnesses and ``cronaca predict``, which serves them through the inference Predictor.

Nothing is imported here: the rule baselines run without torch, the floor needs it.
"""
