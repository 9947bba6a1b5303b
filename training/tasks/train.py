"""Fine-tuning from a YAML config: the entry point.

The loop itself is :mod:`.loop`; the tasks are :mod:`.ner` (entities), :mod:`.events`
(event types) and :mod:`.joint` (both, one encoder); what they share is :mod:`.common`.
Output directory of a run:

    model/            the best model: a standard HF directory (config.json with id2label,
                      model.safetensors, tokenizer files) + cronaca.json (inference settings:
                      windows, decoding, per-type thresholds) + training_config.yaml + scores.json
    checkpoint/       the latest training state (model, optimiser, scheduler, RNG, progress)
    history.json      loss and dev scores per epoch
"""

from __future__ import annotations

from ..config import ExperimentConfig
from .loop import fit

# what a task's dev "score" is, for people reading a run's result
SCORE_NAMES = {
    "ner": "strict micro-F1",
    "events": "macro-F1",
    "joint": "mean of entity strict micro-F1 and event macro-F1",
}


def train(config: ExperimentConfig, resume: bool = False, records=None) -> dict:
    """Fine-tune per ``config`` into ``config.output_dir``; returns the run's history.
    ``records``: event and joint tasks only, labelled event records to use instead of the
    project's corpus (a leave-one-source-out run)."""
    from accelerate.utils import set_seed

    set_seed(config.seed)
    if config.task == "ner":
        from .ner import NerTask

        return fit(NerTask(config), config, resume=resume)
    if config.task == "joint":
        from .joint import JointTask

        return fit(JointTask(config, records), config, resume=resume)
    from .events import EventTask

    return fit(EventTask(config, records), config, resume=resume)
