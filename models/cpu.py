"""Which CPU Muse runs on, and whether llama.cpp may repack the model's weights for it.

At load, llama.cpp's CPU backend may move the weights into an "extra buffer type": a layout
repacked for the CPU's fastest kernels (AVX2/AVX-512 interleaving, or Intel AMX tiles). On Intel
Xeons with AMX, the AMX matmul crashes the process at the first decode (llama.cpp #20824, closed
without a fix), and repacking off (``use_extra_bufts = False``) avoids it.

``MUSE_CPU_REPACK`` chooses: ``on`` and ``off`` are the operator's word. ``auto`` (the default)
turns repacking off at once where the crash is known (an AMX CPU and a llama.cpp built with its
AMX kernels); anywhere else it first generates a few tokens with repacking on in a child process,
so that a crash in any kernel kills the probe rather than Muse, and falls back to repacking off,
with a warning, if the probe dies. If even that dies, Muse refuses to start with a clear error
instead of crashing later (a llama.cpp built for another CPU dies with SIGILL, for example).

Every place that loads llama.cpp goes through :func:`decide_repack`: the embedded engine, ``muse
check``, the benchmarks, and the tests that start llama.cpp's own server (through
:func:`patched_default_params`, since that server has no flag for it).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import platform
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigurationError

__all__ = [
    "AMX_FLAGS",
    "CpuInfo",
    "ProbeResult",
    "RepackChoice",
    "RepackMode",
    "build_has_amx",
    "choose_repack",
    "decide_repack",
    "llama_system_info",
    "patched_default_params",
    "probe_generation",
    "read_cpu_info",
]

log = logging.getLogger(__name__)

RepackMode = Literal["auto", "on", "off"]

#: The /proc/cpuinfo flags of Intel's Advanced Matrix Extensions.
AMX_FLAGS = frozenset({"amx_tile", "amx_int8", "amx_bf16"})
#: How long a probe may take: a model load and a few tokens (seconds even for a 7B model).
PROBE_TIMEOUT = 300.0
#: The CPU features that change llama.cpp's kernels, in the order they are reported.
NOTABLE_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_int8")


@dataclass(frozen=True, slots=True)
class CpuInfo:
    """The CPU's model name and feature flags, as the kernel reports them."""

    model: str
    flags: frozenset[str]

    @property
    def has_amx(self) -> bool:
        return bool(self.flags & AMX_FLAGS)

    def describe(self) -> str:
        notable = [f for f in NOTABLE_FLAGS if f in self.flags]
        amx = "yes" if self.has_amx else "no"
        return f"{self.model} ({', '.join(notable) or 'no AVX2'}; AMX {amx})"


def read_cpu_info(path: Path = Path("/proc/cpuinfo")) -> CpuInfo:
    """The first processor's model name and flags; empty flags where /proc is not there."""
    model, flags = "", ""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and not model:
            model = value.strip()
        elif key == "flags" and not flags:
            flags = value.strip()
        if model and flags:
            break
    name = model or platform.processor() or platform.machine()
    return CpuInfo(model=name, flags=frozenset(flags.split()))


def llama_system_info() -> str:
    """llama.cpp's own report of the features it was built with (``AMX_INT8 = 1``, ...)."""
    import llama_cpp

    raw = llama_cpp.llama_print_system_info()
    return raw.decode("utf-8", errors="replace").strip() if raw else ""


def build_has_amx(system_info: str) -> bool:
    """Whether this llama.cpp build carries the AMX kernels (compiled in by ``-march=native``)."""
    return "AMX_INT8 = 1" in system_info


@dataclass(frozen=True, slots=True)
class ProbeResult:
    ok: bool
    detail: str  # "ok", or how the child ended
    #: The child was killed by a signal: a kernel crashed. A plain failure (an unreadable model
    #: file, say) says nothing about the CPU, and the real load reports it properly.
    crashed: bool = False


@dataclass(frozen=True, slots=True)
class RepackChoice:
    """The decision and why, for the log, ``muse check``, ``/muse status`` and benchmarks."""

    enabled: bool
    mode: RepackMode
    reason: str
    cpu: CpuInfo

    def describe(self) -> str:
        return f"weight repacking {'on' if self.enabled else 'off'} ({self.mode}: {self.reason})"


Prober = Callable[[bool], ProbeResult]


def choose_repack(
    mode: RepackMode, cpu: CpuInfo, system_info: str, probe: Prober | None
) -> RepackChoice:
    """Decide whether llama.cpp may repack weights. Pure apart from ``probe``."""
    if mode == "on":
        return RepackChoice(True, mode, "set by MUSE_CPU_REPACK=on", cpu)
    if mode == "off":
        return RepackChoice(False, mode, "set by MUSE_CPU_REPACK=off", cpu)
    if cpu.has_amx and build_has_amx(system_info):
        return RepackChoice(
            False,
            mode,
            "AMX CPU: llama.cpp's AMX matmul crashes on repacked weights (llama.cpp #20824)",
            cpu,
        )
    if probe is None:
        return RepackChoice(True, mode, "no known crash on this CPU", cpu)
    first = probe(True)
    if first.ok:
        return RepackChoice(True, mode, "a probe generation with repacking on passed", cpu)
    if not first.crashed:
        log.warning("the CPU probe was inconclusive: it %s", first.detail)
        return RepackChoice(True, mode, f"the probe was inconclusive (it {first.detail})", cpu)
    log.warning(
        "a probe generation with weight repacking on %s on %s; loading with repacking off",
        first.detail,
        cpu.model,
    )
    second = probe(False)
    if not second.crashed:
        return RepackChoice(
            False, mode, f"a probe generation with repacking on {first.detail}", cpu
        )
    raise ConfigurationError(
        f"llama.cpp cannot generate on this CPU ({cpu.model}): a probe {second.detail} even with "
        "weight repacking off. It was probably built on a machine with another CPU: reinstall it "
        "here with `pip install --force-reinstall --no-cache-dir llama-cpp-python`, or set "
        "MUSE_ENGINE=remote to use a model server."
    )


def _describe_exit(code: int, stderr: str) -> ProbeResult:
    if code < 0:
        name = f"signal {-code}"
        with contextlib.suppress(ValueError):
            name = signal.Signals(-code).name
        return ProbeResult(False, f"died with {name}", crashed=True)
    tail = stderr.strip().splitlines()[-1:] or [""]
    return ProbeResult(False, f"failed with exit code {code} ({tail[0][:200]})")


def probe_command(model_path: Path, repack: bool) -> list[str]:
    return [
        sys.executable,
        "-m",
        "models.cpu_probe",
        str(model_path),
        "--repack",
        "on" if repack else "off",
    ]


def probe_generation(
    model_path: Path,
    repack: bool,
    *,
    command: Callable[[Path, bool], list[str]] = probe_command,
    timeout: float = PROBE_TIMEOUT,
) -> ProbeResult:
    """Load the model and generate a few tokens in a child process; report how that went."""
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "2")
    try:
        done = subprocess.run(
            command(model_path, repack),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return ProbeResult(False, f"did not finish within {timeout:.0f} s")
    except OSError as exc:
        return ProbeResult(False, f"could not start ({exc})")
    if done.returncode == 0:
        return ProbeResult(True, "ok")
    return _describe_exit(done.returncode, done.stderr)


@functools.lru_cache(maxsize=16)
def _decide_cached(mode: RepackMode, path: str, size: int, mtime_ns: int) -> RepackChoice:
    model_path = Path(path)
    return choose_repack(
        mode,
        read_cpu_info(),
        llama_system_info(),
        lambda repack: probe_generation(model_path, repack),
    )


def decide_repack(mode: RepackMode, model_path: Path) -> RepackChoice:
    """:func:`choose_repack` with the real CPU, build and probe; probed once per process and file.

    Call it on the thread that makes llama calls: it reads llama.cpp's system info.
    """
    try:
        stat = model_path.stat()
    except OSError:
        stat = None
    return _decide_cached(
        mode, str(model_path), stat.st_size if stat else -1, stat.st_mtime_ns if stat else -1
    )


@contextlib.contextmanager
def patched_default_params(repack: bool) -> Iterator[None]:
    """Make llama-cpp-python's high-level ``Llama`` (and its server) load with this choice.

    ``Llama.__init__`` starts from ``llama_model_default_params()`` and has no argument for
    ``use_extra_bufts``, so the default it starts from is changed for the duration.
    """
    from llama_cpp import llama_cpp as low

    original = low.llama_model_default_params

    def default_params() -> Any:
        params = original()
        params.use_extra_bufts = repack
        return params

    low.llama_model_default_params = default_params
    try:
        yield
    finally:
        low.llama_model_default_params = original


def report(model_path: Path | None = None, mode: RepackMode = "auto") -> str:
    """What CI prints before the tests: the CPU, llama.cpp's build, and the repacking choice."""
    from .discovery import bundled_model_path
    from .openmp import wait_policy

    lines = [
        f"cpu: {read_cpu_info().describe()}",
        f"llama.cpp: {llama_system_info()}",
        f"OpenMP wait: {wait_policy()}",
    ]
    path = model_path or bundled_model_path()
    if path is not None:
        lines.append(f"model {path.name}: {decide_repack(mode, path).describe()}")
    return "\n".join(lines)
