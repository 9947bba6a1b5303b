"""What prediction returns: frozen dataclasses with character offsets into the original text."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Entity:
    start: int  # character offsets into the original text: text[start:end] == self.text
    end: int
    label: str  # PER, ORG, LOC
    score: float  # mean probability of the entity's tags over its words
    text: str


@dataclass(frozen=True)
class EventLabel:
    label: str  # one of the six ACLED event types
    score: float
    sentence: int = -1  # index of the supporting sentence in Document.sentences


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    events: tuple[EventLabel, ...] = ()


@dataclass(frozen=True)
class Document:
    text: str
    entities: tuple[Entity, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    events: tuple[EventLabel, ...] = ()  # the union of the sentences' types, best support each

    def to_dict(self) -> dict:
        return asdict(self)
