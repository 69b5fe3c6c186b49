"""The child process of the CPU probe: ``python -m models.cpu_probe MODEL --repack on|off``.

It loads the model as the engine does, decodes a prompt and a few tokens of two sequences in one
batch, and exits 0. A kernel that crashes on this CPU kills this process, not Muse.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main"]

PROMPT = "Once upon a time, in a quiet town by the sea, a painter"
STEPS = 4


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.cpu_probe")
    parser.add_argument("model", type=Path)
    parser.add_argument("--repack", choices=("on", "off"), required=True)
    args = parser.parse_args(argv)

    from models.batched.runtime import BatchEntry, DecodeStatus, LlamaRuntime

    runtime = LlamaRuntime(
        args.model,
        context_per_seq=256,
        n_seq=2,
        threads=2,
        n_batch=64,
        repack=args.repack == "on",
    )
    try:
        tokens = runtime.tokenize(PROMPT, add_special=True)[:48]
        entries = [
            BatchEntry(token, pos, seq, pos == len(tokens) - 1)
            for seq in (0, 1)
            for pos, token in enumerate(tokens)
        ]
        if runtime.decode(entries, None) != DecodeStatus.OK:
            print("the prompt did not decode", file=sys.stderr)
            return 1
        pos = len(tokens)
        for _ in range(STEPS):
            step = [BatchEntry(tokens[-1], pos, seq, True) for seq in (0, 1)]
            if runtime.decode(step, None) != DecodeStatus.OK:
                print("a generation step did not decode", file=sys.stderr)
                return 1
            pos += 1
    finally:
        runtime.close()
    print("ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
