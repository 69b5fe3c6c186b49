"""How llama.cpp's OpenMP threads wait: briefly spin, then sleep, so a quiet Muse uses no CPU.

llama-cpp-python's llama.cpp is built with OpenMP (GNU libgomp). ggml runs each decode in one
OpenMP parallel region and syncs its threads with ``#pragma omp barrier`` between graph nodes. With
no ``OMP_WAIT_POLICY`` set, libgomp spins a waiting thread for 300,000 rounds (milliseconds)
before it sleeps: after every decode the helper threads keep spinning while the worker thread
samples in Python and while the event loop hands tokens to Discord. On a 2-core machine those
spinning threads take the cores that the worker, the event loop and the rest of the machine need;
a thread that spins while the one it waits for is descheduled wastes its whole time slice.
Measured on the 2-core AMD EPYC with ``llama-batched-bench`` (4 sequences, a loaded machine):
19-24 s of CPU time for work that took 3.8 s with ``GOMP_SPINCOUNT=1000``, and 6 to 10 times the
wall time.

Muse therefore sets ``GOMP_SPINCOUNT=1000`` (libgomp's own figure for more threads than CPUs):
a barrier inside one decode, microseconds apart, is still met by spinning, while a thread that
waits longer sleeps in the kernel at once. An operator's own ``OMP_WAIT_POLICY`` or
``GOMP_SPINCOUNT`` wins. libgomp reads these once, when it is loaded, so :func:`configure_openmp`
runs when :mod:`models` is imported, before anything loads llama.cpp; child processes (the repack
probe, llama.cpp's own tools started by the benchmarks) inherit it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping
from pathlib import Path

__all__ = [
    "DEFAULT_SPINCOUNT",
    "WAIT_POLICY_KEYS",
    "configure_openmp",
    "libgomp_loaded",
    "wait_policy",
]

log = logging.getLogger(__name__)

#: Busy-wait rounds before an OpenMP thread sleeps (libgomp's default is 300,000).
DEFAULT_SPINCOUNT = "1000"
#: The variables that set libgomp's wait policy; an operator's own value wins over Muse's.
WAIT_POLICY_KEYS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")


def configure_openmp(environ: MutableMapping[str, str] | None = None) -> bool:
    """Set the bounded spin unless the operator chose a wait policy; True when it was set here."""
    env = os.environ if environ is None else environ
    if any(env.get(key) for key in WAIT_POLICY_KEYS):
        return False
    env["GOMP_SPINCOUNT"] = DEFAULT_SPINCOUNT
    if environ is None and libgomp_loaded():
        # Too late for this process (libgomp read its environment when it was loaded), though
        # child processes still get it.
        log.warning("libgomp was loaded before Muse set GOMP_SPINCOUNT; OpenMP threads may spin")
    return True


def wait_policy(environ: MutableMapping[str, str] | None = None) -> str:
    """The OpenMP wait settings in effect, for logs and benchmark reports."""
    env = os.environ if environ is None else environ
    chosen = [f"{key}={env[key]}" for key in WAIT_POLICY_KEYS if env.get(key)]
    return ", ".join(chosen) or "libgomp default (spin 300000)"


def libgomp_loaded(maps: Path = Path("/proc/self/maps")) -> bool:
    """Whether this process has libgomp mapped (Linux; False where /proc is missing)."""
    try:
        return "libgomp" in maps.read_text(errors="replace")
    except OSError:
        return False
