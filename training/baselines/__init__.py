"""Rule and frozen-encoder baselines behind the same protocols as the models, so one harness
scores them all: :mod:`.gazetteer` (entities), :mod:`.keywords` with its lexicon
:mod:`.event_cues` (event types), :mod:`.frozen_floor` (event types from the untouched encoder).

Nothing is imported here: the rule baselines run without torch, the floor needs it.
"""
