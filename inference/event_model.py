"""The event-type classifier as multilingual-e5 was trained to be read: mean pooling.

e5 was trained with the **mean** of its last hidden states over the attention mask, behind a
``"query: "``/``"passage: "`` prefix; its ``[CLS]`` state and pooler were never trained (the
embedded encoder has no pooler at all). ``BertForSequenceClassification`` classifies through
that pooler, so it starts from a random layer on an untrained vector. This head pools as e5
does and puts one linear layer on top: nothing random stands between the encoder and the head
but the head itself.

The saved model is a standard Hugging Face directory (``config.json`` with ``model_type``
:data:`MODEL_TYPE`, ``model.safetensors``, the tokenizer). Importing this module registers the
class with transformers' Auto classes, so the one documented call is::

    import cronaca.inference.event_model  # noqa: F401  (registers the model type)
    from transformers import AutoModelForSequenceClassification
    model = AutoModelForSequenceClassification.from_pretrained("runs/events-full/model")
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import (
    AutoConfig,
    AutoModelForSequenceClassification,
    BertConfig,
    BertModel,
    BertPreTrainedModel,
)
from transformers.modeling_outputs import SequenceClassifierOutput

MODEL_TYPE = "cronaca_bert_mean_pooling"


class MeanPoolingBertConfig(BertConfig):
    model_type = MODEL_TYPE


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """``[batch, hidden]``: the mean of ``hidden`` over the unmasked positions (padding never
    changes the vector; an all-masked row gives zeros, not NaN)."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


class BertForMeanPooledClassification(BertPreTrainedModel):
    """BERT encoder, mean pooling over the mask, dropout, one linear layer (logits)."""

    config_class = MeanPoolingBertConfig

    def __init__(self, config: MeanPoolingBertConfig):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = BertModel(config, add_pooling_layer=False)
        dropout = config.classifier_dropout
        self.dropout = nn.Dropout(config.hidden_dropout_prob if dropout is None else dropout)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def forward(
        self,
        input_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        **kwargs,
    ) -> SequenceClassifierOutput:
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        hidden = self.bert(
            input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        pooled = mean_pool(hidden, attention_mask)
        return SequenceClassifierOutput(logits=self.classifier(self.dropout(pooled)))


AutoConfig.register(MODEL_TYPE, MeanPoolingBertConfig, exist_ok=True)
AutoModelForSequenceClassification.register(
    MeanPoolingBertConfig, BertForMeanPooledClassification, exist_ok=True
)


def from_base(path: str, **config_values) -> BertForMeanPooledClassification:
    """A new classifier on a BERT encoder directory (the embedded e5 or any BERT checkpoint):
    the encoder's weights loaded, the head initialised."""
    base = BertConfig.from_pretrained(path).to_dict()
    base.pop("model_type", None)
    config = MeanPoolingBertConfig(**(base | config_values))
    return BertForMeanPooledClassification.from_pretrained(path, config=config)
