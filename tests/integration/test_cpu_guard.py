"""The CPU guard on the real bundled model: a crashing kernel never takes Muse down.

The crash itself is made real: the probe's child process dies of an actual segmentation fault
(a NULL read through ctypes) whenever it is asked to repack, as it does on an Intel Xeon with AMX,
so the whole path is exercised on any x86-64 machine.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from models import ChatMessage, GenerationOptions, LlamaCppEngine
from models.cpu import (
    AMX_FLAGS,
    CpuInfo,
    ProbeResult,
    RepackChoice,
    RepackMode,
    choose_repack,
    llama_system_info,
    probe_command,
    probe_generation,
    read_cpu_info,
)
from models.discovery import bundled_model_path

pytestmark = pytest.mark.model

PROMPT = [ChatMessage("user", "Write one short sentence about the rain.")]
GREEDY = GenerationOptions(temperature=0.0, max_tokens=12, seed=1)


def model() -> Path:
    path = bundled_model_path()
    assert path is not None
    return path


def segfault_when_repacking(path: Path, repack: bool) -> list[str]:
    """The real probe, except that with repacking on the child dies of a real SIGSEGV."""
    if repack:
        return [sys.executable, "-c", "import ctypes; ctypes.string_at(0)"]
    return probe_command(path, repack)


def test_the_real_probe_passes_both_ways_on_this_machine() -> None:
    assert probe_generation(model(), False) == ProbeResult(True, "ok")


def test_a_segfaulting_probe_is_reported_by_its_signal() -> None:
    result = probe_generation(model(), True, command=segfault_when_repacking)
    assert result == ProbeResult(False, "died with SIGSEGV", crashed=True)


async def test_a_segfaulting_probe_leads_to_a_load_without_repacking_and_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def decide(mode: RepackMode, path: Path) -> RepackChoice:
        return choose_repack(
            mode,
            read_cpu_info(),
            "CPU : AVX2 = 1 | REPACK = 1 |",  # not an AMX build: the probe decides
            lambda repack: probe_generation(path, repack, command=segfault_when_repacking),
        )

    engine = LlamaCppEngine(model(), context_size=512, threads=2, slots=2, decide=decide)
    with caplog.at_level(logging.WARNING, logger="models.cpu"):
        await engine.start()
    try:
        assert engine.repack is not None and not engine.repack.enabled
        assert "SIGSEGV" in engine.info.cpu and "repacking off" in engine.info.cpu
        assert any("SIGSEGV" in r.getMessage() for r in caplog.records)
        text = await engine.complete(PROMPT, GREEDY)
        assert text.strip()
    finally:
        await engine.close()


async def test_an_amx_cpu_loads_without_repacking_and_generates() -> None:
    xeon = CpuInfo("Intel(R) Xeon(R) Platinum 8488C (simulated)", AMX_FLAGS | {"avx512f"})
    probes: list[bool] = []

    def decide(mode: RepackMode, path: Path) -> RepackChoice:
        def probe(repack: bool) -> ProbeResult:
            probes.append(repack)
            return ProbeResult(True, "ok")

        return choose_repack(mode, xeon, "CPU : AVX512 = 1 | AMX_INT8 = 1 |", probe)

    engine = LlamaCppEngine(model(), context_size=512, threads=2, slots=2, decide=decide)
    await engine.start()
    try:
        assert engine.repack is not None and not engine.repack.enabled and probes == []
        assert "AMX yes" in engine.info.cpu and "#20824" in engine.info.cpu
        assert (await engine.complete(PROMPT, GREEDY)).strip()
    finally:
        await engine.close()


async def test_the_default_engine_decides_and_reports_its_choice() -> None:
    engine = LlamaCppEngine(model(), context_size=512, threads=2, slots=2)
    await engine.start()
    try:
        assert engine.repack is not None and engine.repack.mode == "auto"
        assert engine.info.cpu.startswith(read_cpu_info().model)
        assert engine.repack.describe() in engine.info.cpu
        assert (await engine.complete(PROMPT, GREEDY)).strip()
    finally:
        await engine.close()


LOAD_WITH_LOGS = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from llama_cpp import _logger
    from models.batched.runtime import LlamaRuntime, _init_backend
    _init_backend()
    _logger.set_verbose(True)  # llama.cpp names the buffer types it considers at load
    LlamaRuntime(Path(sys.argv[1]), context_per_seq=256, n_seq=1, threads=1,
                 repack=sys.argv[2] == "on").close()
    """
)


@pytest.mark.parametrize("repack", ["on", "off"])
def test_the_choice_reaches_llama_cpp(repack: str) -> None:
    if repack == "on" and "REPACK = 1" not in llama_system_info():
        pytest.skip("this llama.cpp build has no repacking buffer types at all")
    done = subprocess.run(
        [sys.executable, "-c", LOAD_WITH_LOGS, str(model()), repack],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    considered = "CPU_REPACK" in done.stderr or "AMX" in done.stderr
    assert considered is (repack == "on"), done.stderr[-2000:]
