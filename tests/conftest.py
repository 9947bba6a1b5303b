import os
from pathlib import Path

import pytest
from tiny import save_tiny_model

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never reach the Hub


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A 2-layer random BERT with a small Unigram tokenizer, saved as a HF directory."""
    return save_tiny_model(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture(scope="session")
def embedded_dir(tmp_path_factory) -> Path:
    """The real embedded encoder converted into a session cache (slow: about 10 s)."""
    from cronaca.training.embedded_encoder import embedded_model_dir

    return embedded_model_dir(tmp_path_factory.mktemp("cache"))
