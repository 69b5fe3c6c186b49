"""llama-cpp-python's OpenAI-compatible server with Muse's CPU guarantee.

``python -m models.llama_server --model FILE [llama_cpp.server options]`` decides weight repacking
the way the embedded engine does (``MUSE_CPU_REPACK``, default ``auto``: see :mod:`models.cpu`)
and then runs ``llama_cpp.server`` with that choice, which that server has no option for. It needs
llama-cpp-python's ``server`` extra.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import cast

from .cpu import RepackMode, decide_repack, patched_default_params

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--model", type=Path, required=True)
    known, _ = parser.parse_known_args(args)
    mode = os.environ.get("MUSE_CPU_REPACK", "auto").lower()
    if mode not in ("auto", "on", "off"):
        raise SystemExit(f"MUSE_CPU_REPACK must be auto, on or off, not {mode!r}")
    choice = decide_repack(cast(RepackMode, mode), known.model)
    print(f"muse: {choice.cpu.describe()}; {choice.describe()}", file=sys.stderr, flush=True)

    from llama_cpp.server.__main__ import main as serve

    sys.argv = ["llama_cpp.server", *args]
    with patched_default_params(choice.enabled):
        serve()


if __name__ == "__main__":
    main()
