"""llama.cpp's own tools, built from the sources vendored in the installed llama-cpp-python's
sdist (the same llama.cpp the engine runs), for the benchmarks to measure the engine against:
``llama-server`` and ``llama-batched-bench``.

The first use downloads the sdist with pip and builds with cmake into a cache directory outside
the repository (minutes on 2 cores); later runs reuse the build.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO

import aiohttp

__all__ = ["BatchedBench", "ensure_tool", "run_batched_bench", "start_server"]


def vendored_source(cache: Path) -> Path:
    """The llama.cpp sources of the installed llama-cpp-python version, unpacked in ``cache``."""
    version = metadata.version("llama_cpp_python")
    source = cache / f"llama_cpp_python-{version}" / "vendor" / "llama.cpp"
    if source.exists():
        return source
    cache.mkdir(parents=True, exist_ok=True)
    sdist = cache / f"llama_cpp_python-{version}.tar.gz"
    if not sdist.exists():
        print(f"downloading the llama-cpp-python {version} sdist into {cache} ...", flush=True)
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", f"llama-cpp-python=={version}"),
                *("--no-deps", "--no-binary", ":all:", "-d", str(cache)),
            ],
            check=True,
        )
    with tarfile.open(sdist) as archive:
        archive.extractall(cache, filter="data")
    return source


def ensure_tool(cache: Path, name: str) -> Path:
    """Path to the llama.cpp tool ``name`` (``llama-server``, ``llama-batched-bench``), built
    from the vendored sources with llama.cpp's defaults (OpenMP, native CPU kernels), like the
    library llama-cpp-python built."""
    source = vendored_source(cache)
    binary = source / "build" / "bin" / name
    if binary.exists():
        return binary
    print(f"building {name} (minutes) ...", flush=True)
    subprocess.run(
        [
            *("cmake", "-B", "build", "-DLLAMA_CURL=OFF", "-DCMAKE_BUILD_TYPE=Release"),
            *("-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_OPENSSL=OFF"),
        ],
        cwd=source,
        check=True,
    )
    subprocess.run(
        ["cmake", "--build", "build", "--target", name, "-j", str(os.cpu_count() or 2)],
        cwd=source,
        check=True,
    )
    return binary


@dataclass(frozen=True, slots=True)
class BatchedBench:
    """One ``llama-batched-bench`` row: ``pl`` sequences of ``pp`` prompt and ``tg`` generated
    tokens; speeds in tokens/s over all sequences."""

    pp: int
    tg: int
    pl: int
    speed_pp: float
    speed_tg: float
    speed: float
    seconds: float

    @property
    def generated_per_wall(self) -> float:
        """Generated tokens / (prompt + generation time): what the engine's figure measures."""
        return self.pl * self.tg / self.seconds


def run_batched_bench(
    binary: Path,
    model: Path,
    *,
    threads: int,
    prompt: int,
    generate: int,
    parallel: tuple[int, ...],
    ctx_per_seq: int,
    batch: int,
    flash_attn: str,
    repack: bool,
) -> list[BatchedBench]:
    """Run ``llama-batched-bench`` with the engine's settings; one row per parallel count."""
    command = [
        *(str(binary), "-m", str(model), "-t", str(threads), "-tb", str(threads)),
        *("-c", str(max(parallel) * ctx_per_seq), "-b", str(batch), "-ub", str(batch)),
        *("-npp", str(prompt), "-ntg", str(generate), "-npl", ",".join(map(str, parallel))),
        # One KV buffer per sequence, like the engine (kv_unified = False).
        *("-fa", flash_attn, "--no-kv-unified", "--output-format", "jsonl"),
        *([] if repack else ["--no-repack"]),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"llama-batched-bench failed ({done.returncode}): {done.stderr[-2000:]}")
    rows = []
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            rows.append(
                BatchedBench(
                    pp=int(row["pp"]),
                    tg=int(row["tg"]),
                    pl=int(row["pl"]),
                    speed_pp=float(row["speed_pp"]),
                    speed_tg=float(row["speed_tg"]),
                    speed=float(row["speed"]),
                    seconds=float(row["t"]),
                )
            )
    return rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_server(
    binary: Path,
    model: Path,
    threads: int,
    ctx_per_slot: int,
    log: IO[bytes],
    *,
    flash_attn: str,
    repack: bool,
    environ: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: ASYNC220 - started once, before any measurement
        [
            *(str(binary), "-m", str(model), "-np", "4", "-t", str(threads), "-tb", str(threads)),
            *("-c", str(4 * ctx_per_slot), "--host", "127.0.0.1", "--port", str(port)),
            "--no-webui",
            # The same attention kernel as the engine, so the two are compared like for like.
            *("--flash-attn", flash_attn),
            # The engine's CPU choice (see models/cpu.py): off where repacked weights crash.
            *([] if repack else ["--no-repack"]),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=environ,
    )
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        for _ in range(600):
            try:
                async with session.get(f"{base}/health") as response:
                    if response.status == 200:
                        return process, base
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    process.kill()
    raise RuntimeError("llama-server did not become healthy")
