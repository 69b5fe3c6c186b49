"""Muse bounds how long llama.cpp's OpenMP threads spin, unless the operator chose otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from models.openmp import DEFAULT_SPINCOUNT, configure_openmp, libgomp_loaded, wait_policy

ROOT = Path(__file__).resolve().parents[2]


def test_the_bounded_spin_is_set_when_nothing_was_chosen() -> None:
    env: dict[str, str] = {"PATH": "/bin"}
    assert configure_openmp(env)
    assert env["GOMP_SPINCOUNT"] == DEFAULT_SPINCOUNT
    assert "OMP_WAIT_POLICY" not in env
    assert wait_policy(env) == f"GOMP_SPINCOUNT={DEFAULT_SPINCOUNT}"


def test_the_operators_choice_wins() -> None:
    for key, value in (("OMP_WAIT_POLICY", "active"), ("GOMP_SPINCOUNT", "infinity")):
        env = {key: value}
        assert not configure_openmp(env)
        assert env == {key: value}
        assert wait_policy(env) == f"{key}={value}"
    assert wait_policy({}).startswith("libgomp default")


def test_importing_models_sets_it_before_llama_cpp_loads_libgomp() -> None:
    # A fresh interpreter: libgomp is not mapped until llama_cpp loads, and by then the variable
    # is in the process environment that libgomp's getenv reads.
    code = (
        "import os; from models.openmp import libgomp_loaded; import models; "
        "before = libgomp_loaded(); import llama_cpp; "
        "print(before, libgomp_loaded(), os.environ.get('GOMP_SPINCOUNT'))"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    assert out == ["False", "True", DEFAULT_SPINCOUNT]


def test_libgomp_loaded_reads_the_memory_map(tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    maps.write_text("7f00-7f01 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/libgomp.so.1\n")
    assert libgomp_loaded(maps)
    maps.write_text("7f00-7f01 r-xp 0 08:01 1 /usr/lib/libc.so.6\n")
    assert not libgomp_loaded(maps)
    assert not libgomp_loaded(tmp_path / "missing")
