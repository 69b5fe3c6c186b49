"""The weight-repacking decision, on every kind of CPU, without needing that CPU."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.errors import ConfigurationError
from models.cpu import CpuInfo, ProbeResult, build_has_amx, choose_repack, read_cpu_info

SAPPHIRE_RAPIDS = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8488C
flags\t\t: fpu sse sse2 avx avx2 avx512f avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8
processor\t: 1
model name\t: Intel(R) Xeon(R) Platinum 8488C
flags\t\t: fpu
"""
EPYC = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 9R14
flags\t\t: fpu sse avx avx2 avx512f avx512_vnni avx512_bf16
"""
AMX_BUILD = "CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | OPENMP = 1 | REPACK = 1 |"
PLAIN_BUILD = "CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | OPENMP = 1 | REPACK = 1 |"


class Probe:
    """A stand-in for the child-process probe: answers per repack setting, records calls."""

    def __init__(self, **answers: ProbeResult) -> None:
        self.answers = answers
        self.calls: list[bool] = []

    def __call__(self, repack: bool) -> ProbeResult:
        self.calls.append(repack)
        return self.answers["on" if repack else "off"]


OK = ProbeResult(True, "ok")
SEGV = ProbeResult(False, "died with SIGSEGV", crashed=True)


def cpu_from(text: str, tmp_path: Path) -> CpuInfo:
    path = tmp_path / "cpuinfo"
    path.write_text(text)
    return read_cpu_info(path)


def test_cpuinfo_is_read_from_the_first_processor(tmp_path: Path) -> None:
    intel = cpu_from(SAPPHIRE_RAPIDS, tmp_path)
    assert intel.model == "Intel(R) Xeon(R) Platinum 8488C"
    assert intel.has_amx and "AMX yes" in intel.describe()
    amd = cpu_from(EPYC, tmp_path)
    assert amd.model == "AMD EPYC 9R14" and not amd.has_amx
    assert "avx512_bf16" in amd.describe() and "AMX no" in amd.describe()


def test_a_missing_cpuinfo_still_names_a_cpu(tmp_path: Path) -> None:
    info = read_cpu_info(tmp_path / "absent")
    assert info.model and not info.has_amx


def test_the_build_report_tells_whether_amx_kernels_are_compiled_in() -> None:
    assert build_has_amx(AMX_BUILD) and not build_has_amx(PLAIN_BUILD)


def test_amx_cpu_with_amx_kernels_turns_repacking_off_without_probing(tmp_path: Path) -> None:
    probe = Probe(on=OK, off=OK)
    choice = choose_repack("auto", cpu_from(SAPPHIRE_RAPIDS, tmp_path), AMX_BUILD, probe)
    assert not choice.enabled and probe.calls == []
    assert "AMX" in choice.reason and "#20824" in choice.reason
    assert choice.describe().startswith("weight repacking off (auto:")


def test_amx_cpu_without_amx_kernels_is_probed_like_any_other(tmp_path: Path) -> None:
    probe = Probe(on=OK, off=OK)
    choice = choose_repack("auto", cpu_from(SAPPHIRE_RAPIDS, tmp_path), PLAIN_BUILD, probe)
    assert choice.enabled and probe.calls == [True]


def test_a_passing_probe_keeps_repacking_on(tmp_path: Path) -> None:
    probe = Probe(on=OK, off=SEGV)
    choice = choose_repack("auto", cpu_from(EPYC, tmp_path), PLAIN_BUILD, probe)
    assert choice.enabled and probe.calls == [True] and "probe" in choice.reason


def test_a_crashing_probe_turns_repacking_off_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    probe = Probe(on=SEGV, off=OK)
    with caplog.at_level(logging.WARNING, logger="models.cpu"):
        choice = choose_repack("auto", cpu_from(EPYC, tmp_path), PLAIN_BUILD, probe)
    assert not choice.enabled and probe.calls == [True, False]
    assert "SIGSEGV" in choice.reason
    warning = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning and "SIGSEGV" in warning[0].getMessage()


def test_a_probe_that_dies_either_way_is_a_clear_error_not_a_crash(tmp_path: Path) -> None:
    sigill = ProbeResult(False, "died with SIGILL", crashed=True)
    probe = Probe(on=sigill, off=sigill)
    with pytest.raises(ConfigurationError) as caught:
        choose_repack("auto", cpu_from(EPYC, tmp_path), PLAIN_BUILD, probe)
    message = caught.value.user_message
    assert "SIGILL" in message and "--force-reinstall" in message and "MUSE_ENGINE" in message


def test_a_probe_that_fails_without_crashing_decides_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    unreadable = ProbeResult(False, "failed with exit code 1 (ValueError: not a model)")
    probe = Probe(on=unreadable, off=OK)
    with caplog.at_level(logging.WARNING, logger="models.cpu"):
        choice = choose_repack("auto", cpu_from(EPYC, tmp_path), PLAIN_BUILD, probe)
    assert choice.enabled and probe.calls == [True] and "inconclusive" in choice.reason
    assert any("inconclusive" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(("mode", "enabled"), [("on", True), ("off", False)])
def test_the_operator_decides_outright(mode: str, enabled: bool, tmp_path: Path) -> None:
    probe = Probe(on=SEGV, off=SEGV)
    choice = choose_repack(mode, cpu_from(SAPPHIRE_RAPIDS, tmp_path), AMX_BUILD, probe)  # type: ignore[arg-type]
    assert choice.enabled is enabled and probe.calls == []
    assert f"MUSE_CPU_REPACK={mode}" in choice.reason


def test_the_setting_accepts_only_the_three_modes() -> None:
    from pydantic import ValidationError

    from bot.settings import Settings

    assert Settings(cpu_repack="off").cpu_repack == "off"
    assert Settings().cpu_repack == "auto"
    with pytest.raises(ValidationError):
        Settings(cpu_repack="maybe")  # type: ignore[arg-type]
