"""One encoder, two heads: entity tags on every token, event types on the mean-pooled sentence.

The entity model and the event-type model each run 12 layers over the same sentences; this
model runs them once. The token head is ``BertForTokenClassification``'s (a linear layer on
each token's last hidden state), the event head is :mod:`.event_model`'s (a linear layer on
the mean over the attention mask, as e5 was trained to be read). Both read the same input, the
sentence as it is, without e5's ``"query: "`` prefix: a prefix would shift the entity head's
tokens, and one input for both is the point.

A saved joint model is a standard Hugging Face directory (``model_type``
:data:`MODEL_TYPE`; ``id2label`` holds the entity tags, ``event_labels`` the event types).
Importing this module registers it with the Auto classes:

    import cronaca.inference.joint_model  # noqa: F401  (registers the model type)
    from transformers import AutoModelForTokenClassification
    model = AutoModelForTokenClassification.from_pretrained("runs/joint-quick/model")

:func:`split_heads` turns it into the two ordinary models (same encoder weights, one head
each), which is also how the tests check that the shared pass changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from transformers import (
    AutoConfig,
    AutoModelForTokenClassification,
    BertConfig,
    BertForTokenClassification,
    BertModel,
    BertPreTrainedModel,
)
from transformers.utils import ModelOutput

from .event_model import BertForMeanPooledClassification, MeanPoolingBertConfig, mean_pool
from .settings import JOINT_MODEL_TYPE as MODEL_TYPE


class JointBertConfig(BertConfig):
    model_type = MODEL_TYPE

    def __init__(self, event_labels: list[str] | tuple[str, ...] = (), **kwargs):
        super().__init__(**kwargs)
        self.event_labels = list(event_labels)


@dataclass
class JointOutput(ModelOutput):
    """``logits``: the entity head's ``[batch, tokens, tags]`` (so the model reads as a token
    classifier to code that expects one); ``event_logits``: ``[batch, event types]``."""

    logits: torch.Tensor | None = None
    event_logits: torch.Tensor | None = None


class BertForEntitiesAndEvents(BertPreTrainedModel):
    """BERT encoder; ``classifier`` tags tokens, ``event_classifier`` labels the pooled input."""

    config_class = JointBertConfig

    def __init__(self, config: JointBertConfig):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = BertModel(config, add_pooling_layer=False)
        dropout = config.classifier_dropout
        self.dropout = nn.Dropout(config.hidden_dropout_prob if dropout is None else dropout)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.event_classifier = nn.Linear(config.hidden_size, len(config.event_labels))
        self.post_init()

    def forward(
        self,
        input_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        **kwargs,
    ) -> JointOutput:
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        hidden = self.bert(
            input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        pooled = mean_pool(hidden, attention_mask)
        return JointOutput(
            logits=self.classifier(self.dropout(hidden)),
            event_logits=self.event_classifier(self.dropout(pooled)),
        )


AutoConfig.register(MODEL_TYPE, JointBertConfig, exist_ok=True)
AutoModelForTokenClassification.register(JointBertConfig, BertForEntitiesAndEvents, exist_ok=True)


def split_heads(
    model: BertForEntitiesAndEvents,
) -> tuple[BertForTokenClassification, BertForMeanPooledClassification]:
    """The two single-task models the joint one holds: each a copy of the encoder with one head."""
    values = model.config.to_dict()
    for key in ("model_type", "event_labels", "architectures", "transformers_version"):
        values.pop(key, None)
    entities = BertForTokenClassification(BertConfig(**values)).eval()
    labels = model.config.event_labels
    encoder_only = {
        k: v for k, v in values.items() if k not in ("id2label", "label2id", "problem_type")
    }
    event_config = MeanPoolingBertConfig(
        **encoder_only,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
        problem_type="multi_label_classification",
    )
    events = BertForMeanPooledClassification(event_config).eval()
    state = model.state_dict()
    encoder = {k: v for k, v in state.items() if k.startswith("bert.")}
    _load(entities, encoder | _renamed(state, "classifier.", "classifier."))
    _load(events, encoder | _renamed(state, "event_classifier.", "classifier."))
    return entities.to(model.dtype), events.to(model.dtype)


def _renamed(state: dict, old: str, new: str) -> dict:
    return {new + k[len(old) :]: v for k, v in state.items() if k.startswith(old)}


def _load(model: nn.Module, state: dict) -> None:
    missing, unexpected = model.load_state_dict(state, strict=False)
    # BertModel may hold buffers (position ids) that a state dict leaves out; weights must match
    missing = [k for k in missing if not k.endswith(("position_ids", "token_type_ids"))]
    if missing or unexpected:
        raise ValueError(f"split_heads: missing {missing}, unexpected {unexpected}")
