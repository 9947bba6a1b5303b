"""Typed experiment configs: YAML files in ``configs/``, every key a dataclass field.

A config file is read into nested dataclasses; unknown keys are errors (a typo must not be
ignored). ``--set a.b=value`` overrides any key from the command line, its value parsed as
YAML (``--set training.epochs=3``, ``--set data.train=[a.tsv,b.tsv]``). A ``profiles`` section
holds named override sets (``quick``, ``full``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cronaca.inference.labels import ENTITY_TYPES, EVENT_TYPES
from cronaca.inference.settings import DECODINGS

from .base_models import DEFAULT_BASE_MODEL


@dataclass
class DataConfig:
    dir: str | None = None  # the shared data folder; None: $CRONACA_DATA or ../shared/data
    # corpus files, relative to dir or absolute; for the events task, exports with event types
    # that join the project's corpus (tasks.events.export_records)
    train: list[str] = field(default_factory=list)
    dev: list[str] = field(default_factory=list)  # model selection and thresholds: never WN_test
    silver: list[str] = field(default_factory=list)  # noisy extra training data (WikiNEuRal)
    silver_weight: float = 1.0  # share of silver sentences sampled per epoch, relative to gold
    drop_labels: list[str] = field(default_factory=lambda: ["MISC"])  # mapped to O, counted
    max_train_sentences: int | None = None  # a quick profile's subsample (seeded)
    max_dev_sentences: int | None = None


@dataclass
class FeatureConfig:
    max_length: int = 256  # tokens per window, specials included
    stride: int = 32  # tokens shared by consecutive windows of a long text
    # put before every event unit: multilingual-e5 was trained behind "query: "/"passage: "
    prefix: str = ""
    # ner: characters of the same document read on each side of a sentence, not labelled
    # (FLERT; cronaca.inference.context); 0 = each sentence alone
    context: int = 0

    def __post_init__(self) -> None:
        if self.context < 0:
            raise ValueError(f"features.context: {self.context} is below 0")


@dataclass
class TrainingConfig:
    epochs: float = 3.0
    learning_rate: float = 5e-5
    head_learning_rate: float | None = None  # None: same as learning_rate
    batch_tokens: int = 4096  # token budget per batch (padding included)
    max_batch_size: int = 64
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0
    freeze_word_embeddings: bool = True  # 96 M of 118 M parameters; see BENCHMARKS.md
    freeze_layers: int = 0  # the lowest N encoder layers (and the embeddings) stay pre-trained
    # events: start the head from a logistic-regression probe on the frozen encoder's pooled
    # states (linear probing, then fine-tuning; cronaca.training.tasks.probe says why)
    probe_init: bool = False
    dropout: float | None = None  # None: the base model's
    # "auto": bf16 autocast on CUDA and on CPUs with native bf16 (avx512_bf16/AMX), else fp32;
    # weights and optimiser state stay fp32 either way
    precision: str = "auto"
    checkpoint_every_steps: int = 200
    decode: str = "viterbi"  # or "greedy"

    def __post_init__(self) -> None:
        _one_of("training.precision", self.precision, PRECISIONS)
        _one_of("training.decode", self.decode, DECODINGS)
        if self.freeze_layers < 0:
            raise ValueError(f"training.freeze_layers: {self.freeze_layers} is below 0")


@dataclass
class JointConfig:
    """``task: joint``: the event-type half of a joint model (the entity half is ``labels``
    and ``data``, as for ``ner``). Records come from the project's event corpus (and the
    ``data`` exports that carry event types); units are read without a prefix, as entities."""

    event_labels: list[str] = field(default_factory=lambda: list(EVENT_TYPES))
    entity_weight: float = 1.0  # the two losses' weights in the sum each step minimises
    event_weight: float = 1.0
    max_event_records: int | None = None  # a quick profile's subsample (seeded)
    max_event_dev: int | None = None


@dataclass
class ExperimentConfig:
    task: str = "ner"  # "ner", "events" or "joint" (one encoder, both heads)
    base_model: str = DEFAULT_BASE_MODEL
    # events: "mean" (e5's own pooling, the default) or "cls_pooler" ([CLS] + a new pooler)
    pooling: str = "mean"
    output_dir: str = "runs/ner"
    seed: int = 13
    labels: list[str] = field(default_factory=lambda: list(ENTITY_TYPES))
    data: DataConfig = field(default_factory=DataConfig)
    features: FeatureConfig = field(default_factory=FeatureConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    joint: JointConfig = field(default_factory=JointConfig)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _one_of("task", self.task, TASKS)
        _one_of("pooling", self.pooling, POOLINGS)
        if self.training.probe_init and (self.task == "ner" or self.pooling != "mean"):
            raise ValueError("training.probe_init: only for tasks events/joint with pooling mean")
        if self.features.context and self.task != "ner":
            raise ValueError("features.context: only for task ner (event units are read alone)")
        if self.task == "events":
            _known("labels", self.labels, EVENT_TYPES)
        if self.task == "joint":
            _known("joint.event_labels", self.joint.event_labels, EVENT_TYPES)


TASKS = ("ner", "events", "joint")
POOLINGS = ("mean", "cls_pooler")
PRECISIONS = ("auto", "bf16", "fp32")  # training keeps fp32 weights; bf16 is autocast


def _known(key: str, values: list[str], known: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"{key}: unknown labels {unknown}; known: {list(known)}")


def _one_of(key: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{key}: {value!r} is not one of {', '.join(allowed)}")


def _build(cls, values: dict[str, Any], where: str):
    """Instantiate dataclass ``cls`` from a dict, recursing into nested dataclass fields."""
    if not isinstance(values, dict):
        raise ValueError(f"{where or 'config'}: expected a mapping, got {values!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ValueError(f"{where or 'config'}: unknown key(s) {unknown}; known: {sorted(fields)}")
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for name, value in values.items():
        hint = hints[name]
        key = f"{where}.{name}" if where else name
        kwargs[name] = (
            _build(hint, value, key)
            if dataclasses.is_dataclass(hint)
            else _coerce(hint, value, key)
        )
    return cls(**kwargs)


def _coerce(hint, value, key: str):
    """Check a leaf value against its annotation; ints are accepted where floats are expected,
    and every item of a list is checked against the list's item type (``data.train=[1, 2]``
    is an error naming ``data.train[0]``)."""
    origin = typing.get_origin(hint)
    if origin is list:
        if not isinstance(value, list):
            raise ValueError(f"{key}: {value!r} is not a {hint}")
        (item_hint,) = typing.get_args(hint) or (Any,)
        if item_hint is Any:
            return value
        return [_coerce(item_hint, item, f"{key}[{i}]") for i, item in enumerate(value)]
    options = typing.get_args(hint) if origin in (typing.Union, types.UnionType) else (hint,)
    for option in options:
        base = typing.get_origin(option) or option
        if base is list and isinstance(value, list):
            return _coerce(option, value, key)
        if option is type(None) and value is None:
            return None
        if base is float and isinstance(value, int | float | str) and not isinstance(value, bool):
            try:  # YAML reads 5e-5 (no dot) as a string
                return float(value)
            except ValueError:
                continue
        if (
            base is not type(None)
            and isinstance(value, base)
            and not (base is int and isinstance(value, bool))
        ):
            return value
    raise ValueError(f"{key}: {value!r} is not a {hint}")


def set_dotted(values: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        values = values.setdefault(part, {})
    values[leaf] = value


def load_config(
    path: str | Path | None = None, profile: str | None = None, overrides: list[str] = ()
) -> ExperimentConfig:
    """Read a YAML config, apply a profile, then ``key=value`` overrides."""
    values = yaml.safe_load(Path(path).read_text(encoding="utf-8")) if path else {}
    values = values or {}
    if profile:
        chosen = (values.get("profiles") or {}).get(profile)
        if chosen is None:
            raise ValueError(f"{path}: no profile {profile!r}")
        for dotted, value in _flatten(chosen):
            set_dotted(values, dotted, value)
    for override in overrides:
        dotted, sep, raw = override.partition("=")
        if not sep:
            raise ValueError(f"override {override!r} is not key=value")
        set_dotted(values, dotted.strip(), yaml.safe_load(raw))
    return _build(ExperimentConfig, values, "")


def _flatten(values: dict[str, Any], prefix: str = ""):
    for key, value in values.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, dotted + ".")
        else:
            yield dotted, value


def to_dict(config: ExperimentConfig) -> dict[str, Any]:
    return dataclasses.asdict(config)
