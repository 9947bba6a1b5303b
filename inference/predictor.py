"""The Python API: entity taggers and event labellers in, ``Document`` results with character
offsets out.

    predictor = Predictor.from_pretrained(entities="runs/ner-kind-full/model",
                                          events="runs/events-full/model", device="auto")
    documents = predictor.predict(texts, batch_size=32, show_progress=True)

The Predictor composes the protocols of :mod:`.protocols`: ``Predictor(entities=…, events=…)``
takes any ``EntityTagger`` and any ``EventLabeller`` (a loaded model, a rule baseline, your own
class), and calls nothing but their protocol methods; an event labeller's scores become labels
through :func:`~cronaca.inference.decisions.decide` with the labeller's thresholds.
:meth:`Predictor.from_pretrained` and :meth:`Predictor.from_models` load saved model directories.

Texts are cut into sentences, sentences into words (the same word definition as training);
each sentence is tagged and labelled as a unit, long ones in overlapping windows, so nothing is
ever truncated. Empty texts keep their place and come back empty.

Texts are taken in groups of about ``GROUP_CHARACTERS`` characters: within a group every
sentence is sorted by length before batching (the more sentences, the less padding), while
memory stays bounded however many texts stream through :meth:`Predictor.stream`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from tqdm.auto import tqdm

from .decisions import decide
from .event_labeller import ModelEventLabeller
from .joint import JointModel
from .protocols import EntityTagger, EventLabeller
from .sentences import sentence_spans
from .settings import JOINT_MODEL_TYPE
from .tagger import ModelTagger
from .types import Document, Entity, EventLabel, Sentence
from .words import surrogate_problem, word_spans

GROUP_CHARACTERS = 200_000
EVENT_ARCHITECTURES = ("ForSequenceClassification", "ForMeanPooledClassification")
T = TypeVar("T")
# what Predictor.from_models takes: a protocol object, or a saved model directory
ModelSpec = EntityTagger | EventLabeller | str | os.PathLike


class Predictor:
    """Serves an ``EntityTagger`` (``entities``), an ``EventLabeller`` (``events``), or both."""

    def __init__(self, entities: EntityTagger | None = None, events: EventLabeller | None = None):
        if entities is None and events is None:
            raise ValueError("a Predictor needs an entity model, an event model, or both")
        # checked here, so a wrong object fails at construction, not after the first group
        for role, model, protocol, needs in (
            ("entities", entities, EntityTagger, "name and tag_entities(texts, words, batch_size)"),
            ("events", events, EventLabeller, "name, labels, thresholds and event_scores(texts)"),
        ):
            if model is not None and not isinstance(model, protocol):
                raise TypeError(
                    f"{role}: {type(model).__name__} is not an {protocol.__name__} (needs {needs})"
                )
        self.tagger, self.labeller = entities, events

    @classmethod
    def from_pretrained(
        cls,
        entities: str | Path | None = None,
        events: str | Path | None = None,
        device: str = "auto",
        precision: str = "auto",
        runtime: str = "auto",
    ) -> Predictor:
        """Load saved model directories. ``device``: ``auto``, ``cpu``, ``cuda``, ``cuda:N``;
        ``precision``: ``auto`` (bf16 on a GPU and on CPUs with bfloat16 instructions; on other
        CPUs ONNX Runtime when installed, else fp32), ``fp32``, ``bf16``, ``fp16`` or ``int8``
        (CPU); ``runtime``: ``auto``, ``torch`` or ``onnx`` (CPU); see
        :func:`cronaca.inference.runtime.resolve_runtime` and BENCHMARKS.md for speed and F1."""
        paths = dict.fromkeys(str(path) for path in (entities, events) if path)  # a joint model
        return cls.from_models(list(paths), device, precision, runtime)  # may be named twice

    @classmethod
    def from_models(
        cls,
        models: Sequence[ModelSpec],
        device: str = "auto",
        precision: str = "auto",
        runtime: str = "auto",
    ) -> Predictor:
        """One entity tagger and/or one event labeller, each a protocol object or a saved model
        directory (loaded with ``device`` and ``precision``); which is which is read from the
        protocol an object satisfies, or from a directory's config. A joint model (one
        encoder, both heads) serves both roles, in one encoder pass per sentence."""
        chosen: dict[str, tuple[str, ModelSpec]] = {}  # role -> (kind, model)
        for model in models:
            kind = model_kind(model)
            for role in ("entities", "events") if kind == "joint" else (kind,):
                if role in chosen:
                    raise ValueError(
                        f"two {role} models given: {_described(chosen[role][1])} and "
                        f"{_described(model)}"
                    )
                chosen[role] = (kind, model)
        loaded: dict[int, object] = {}  # a joint model is loaded once and serves both roles
        for kind, model in chosen.values():
            if id(model) not in loaded:
                loaded[id(model)] = _loaded(kind, model, device, precision, runtime)
        roles = {role: loaded[id(model)] for role, (_, model) in chosen.items()}
        return cls(roles.get("entities"), roles.get("events"))

    from_model_dirs = from_models  # the name of the directories-only version, still accepted

    def predict(
        self, texts: Sequence[str], batch_size: int = 32, show_progress: bool = False
    ) -> list[Document]:
        """One ``Document`` per text, in input order. ``batch_size``: windows per forward pass."""
        return list(self.stream(texts, batch_size, show_progress, total=len(texts)))

    def stream(
        self,
        texts: Iterable[str],
        batch_size: int = 32,
        show_progress: bool = False,
        total: int | None = None,
    ) -> Iterator[Document]:
        """:meth:`predict` for any iterable, lazily: documents come out group by group."""
        if isinstance(texts, str):  # iterating it would predict one "document" per character
            raise TypeError("predict takes a list of texts: wrap a single text as [text]")
        with tqdm(
            total=total, desc="predict", unit="doc", disable=not show_progress, smoothing=0.1
        ) as progress:
            for group in character_groups(_checked_texts(texts), GROUP_CHARACTERS):
                yield from self._predict_batch(group, batch_size)
                progress.update(len(group))

    def _predict_batch(self, texts: Sequence[str], batch_size: int) -> list[Document]:
        spans = [sentence_spans(text) for text in texts]
        flat = [(i, s, e) for i, text_spans in enumerate(spans) for s, e in text_spans]
        sentences = [texts[i][s:e] for i, s, e in flat]
        entities, events = self._run(sentences, batch_size, [i for i, _, _ in flat])
        per_text: list[dict] = [{"entities": [], "sentences": []} for _ in texts]
        for (i, offset, end), found, labels in zip(flat, entities, events):
            for entity in found:
                s, e = entity.start + offset, entity.end + offset
                per_text[i]["entities"].append(
                    Entity(s, e, entity.label, entity.score, texts[i][s:e])
                )
            index = len(per_text[i]["sentences"])
            labels = tuple(EventLabel(x.label, x.score, index) for x in labels)
            per_text[i]["sentences"].append(Sentence(offset, end, labels))
        return [
            Document(
                text,
                tuple(parts["entities"]),
                tuple(parts["sentences"]),
                document_events(parts["sentences"]),
            )
            for text, parts in zip(texts, per_text)
        ]

    def _run(
        self, sentences: list[str], batch_size: int, documents: Sequence[int] | None = None
    ) -> tuple[list, list]:
        """Each sentence's entities and decided event types (``documents[i]``: the input text
        sentence ``i`` comes from). A joint model given as both tagger and labeller runs once
        for both (:meth:`JointModel.analyse`)."""
        words = [word_spans(sentence) for sentence in sentences] if self.tagger else None
        scores = None
        if self.tagger is not None and self.tagger is self.labeller and _is_joint(self.tagger):
            entities, scores = self.tagger.analyse(sentences, words, batch_size)
        elif self.tagger is not None and getattr(self.tagger, "context", 0):
            # a model trained with document context reads each sentence inside its document
            entities = self.tagger.tag_entities(sentences, words, batch_size, documents=documents)
        elif self.tagger is not None:
            entities = self.tagger.tag_entities(sentences, words, batch_size)
        else:
            entities = [[] for _ in sentences]
        if self.labeller is None:
            return entities, [() for _ in sentences]
        if scores is None:
            scores = self.labeller.event_scores(sentences, batch_size)
        thresholds = self.labeller.thresholds
        events = [
            tuple(EventLabel(label, score) for label, score in decide(row, thresholds).items())
            for row in scores
        ]
        return entities, events


def _is_joint(model) -> bool:
    return callable(getattr(model, "analyse", None))


def _checked_texts(texts: Iterable[str]) -> Iterator[str]:
    """The texts, each checked before any is run: a ``TypeError`` for what is not a string, a
    ``ValueError`` naming the text and character for what is not valid Unicode."""
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text {index} is {type(text).__name__}, not str")
        problem = surrogate_problem(text)
        if problem:
            raise ValueError(f"text {index}: {problem}")
        yield text


def model_kind(model: ModelSpec) -> str:
    """``"entities"`` for an ``EntityTagger`` or a saved token classifier, ``"events"`` for an
    ``EventLabeller`` or a saved sequence classifier, ``"joint"`` for a joint model (either
    a saved one or an object with both protocols and ``analyse``)."""
    if not isinstance(model, str | os.PathLike):
        kinds = [
            kind
            for kind, protocol in (("entities", EntityTagger), ("events", EventLabeller))
            if isinstance(model, protocol)
        ]
        if len(kinds) == 2 and _is_joint(model):
            return "joint"
        if len(kinds) == 1:
            return kinds[0]
        what = "both" if kinds else "neither a model directory nor either"
        raise TypeError(f"{type(model).__name__} is {what} of EntityTagger and EventLabeller")
    config = Path(model) / "config.json"
    if not config.is_file():
        raise ValueError(f"{model}: not a saved model directory (no config.json)")
    values = json.loads(config.read_text(encoding="utf-8"))
    if values.get("model_type") == JOINT_MODEL_TYPE:
        return "joint"
    architectures = values.get("architectures") or []
    if any(name.endswith("ForTokenClassification") for name in architectures):
        return "entities"
    # BertForMeanPooledClassification: cronaca's own event head (inference/event_model.py)
    if any(name.endswith(EVENT_ARCHITECTURES) for name in architectures):
        return "events"
    raise ValueError(
        f"{config}: architectures {architectures} hold neither a token classifier (entities) "
        "nor a sequence classifier (event types)"
    )


def _loaded(kind: str, model: ModelSpec, device: str, precision: str, runtime: str):
    """A model directory loaded as the kind its config says; a protocol object as it is."""
    if not isinstance(model, str | os.PathLike):
        return model
    loader = {"entities": ModelTagger, "events": ModelEventLabeller, "joint": JointModel}[kind]
    return loader.from_pretrained(model, device, precision, runtime=runtime)


def _described(model: ModelSpec) -> str:
    return str(model) if isinstance(model, str | os.PathLike) else getattr(model, "name", "?")


def character_groups(
    items: Iterable[T], characters: int, size: Callable[[T], int] = len
) -> Iterator[list[T]]:
    """Consecutive items in lists of about ``characters`` characters (at least one item each)."""
    iterator = iter(items)
    while True:
        group, total = [], 0
        for item in iterator:
            group.append(item)
            total += size(item)
            if total >= characters:
                break
        if not group:
            return
        yield group


def document_events(sentences: Sequence[Sentence]) -> tuple[EventLabel, ...]:
    """The union of the sentences' event types, each with its best-scoring sentence."""
    best: dict[str, EventLabel] = {}
    for sentence in sentences:
        for event in sentence.events:
            if event.label not in best or event.score > best[event.label].score:
                best[event.label] = event
    return tuple(sorted(best.values(), key=lambda event: -event.score))
