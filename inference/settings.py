"""What a saved model needs at inference besides its weights: ``cronaca.json``.

One schema for both kinds of model, so a directory is self-describing and one loader reads it:
windows as training cut them (``max_length``, ``stride``), the decoding and document context of an
entity model,
and an event model's instruction ``prefix`` and per-type ``thresholds``. Keys a model does not
use keep their defaults; an unknown key is an error (a typo must not be ignored).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

SETTINGS_FILE = "cronaca.json"
JOINT_MODEL_TYPE = "cronaca_bert_joint"  # config.json's model_type of a joint model


def is_joint_model(directory: str | Path) -> bool:
    """Whether ``directory`` holds a saved joint model (read from its config.json alone, so
    callers can tell without importing any model code)."""
    config = Path(directory) / "config.json"
    if not config.is_file():
        return False
    return json.loads(config.read_text(encoding="utf-8")).get("model_type") == JOINT_MODEL_TYPE


DECODINGS = ("viterbi", "greedy")


@dataclass(frozen=True)
class ModelSettings:
    max_length: int = 256  # tokens per window, specials included
    stride: int = 32  # tokens shared by consecutive windows of a long text
    decode: str = "viterbi"  # entity models: "viterbi" (valid IOB2 only) or "greedy"
    prefix: str = ""  # event models: e5's instruction prefix, e.g. "query: "
    thresholds: dict[str, float] = field(default_factory=dict)  # event models, per type
    # entity models: characters of the same document read on each side of a sentence (FLERT,
    # :mod:`cronaca.inference.context`); 0 = each sentence alone
    context: int = 0

    def __post_init__(self) -> None:
        if self.decode not in DECODINGS:
            raise ValueError(f"decode {self.decode!r}: expected one of {', '.join(DECODINGS)}")

    @classmethod
    def load(cls, directory: str | Path) -> ModelSettings:
        path = Path(directory) / SETTINGS_FILE
        if not path.is_file():
            return cls()
        values = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"{path}: unknown setting(s) {unknown}; known: {sorted(known)}")
        return cls(**values)

    def save(self, directory: str | Path) -> None:
        text = json.dumps(dataclasses.asdict(self), indent=2, ensure_ascii=False) + "\n"
        (Path(directory) / SETTINGS_FILE).write_text(text, encoding="utf-8")
