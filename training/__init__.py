"""cronaca training side: corpora, base encoders, fine-tuning, baselines and evaluation.

The floors, each importing only from those below it (and from ``cronaca.inference``):

1. :mod:`.data` — corpus readers, the event corpus and its split rules;
   :mod:`.base_models`, :mod:`.embedded_encoder` and :mod:`.config` beside it;
2. :mod:`.evaluation` scores (``stats``, ``entities``, ``events``, ``report``) — need records;
3. :mod:`.baselines` rules (``gazetteer``, ``keywords``, and ``registry``: the rule models by
   name, for the harnesses and ``cronaca predict``) — need records;
4. :mod:`.tasks` — fine-tuning; dev scores come from the evaluation scores of floor 2;
5. ``baselines.frozen_floor`` (fits with the tasks' thresholds) and the ``evaluation``
   harnesses (load a baseline or a model by name, run, report);
6. :mod:`.main_job` and :mod:`.cli` — the commands; every argument parser lives in ``cli``,
   the annotation tools' (``python -m cronaca.training.data.TOOL``) too.
"""
