"""The deploy/ files, checked as far as this machine allows (no Docker engine here): the compose
file parses and wires what it promises, the Dockerfile has the structure production needs,
.env.example and the settings model agree both ways, the systemd unit passes systemd-analyze."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from bot.ops.envfile import render_env_example
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
ENV_LINE = re.compile(r"^(?:#\s*)?(MUSE_[A-Z0-9_]+)=(.*)$")


# -- .env.example ---------------------------------------------------------------------------


def env_example() -> dict[str, tuple[bool, str]]:
    """MUSE_* name -> (commented out, value)."""
    found: dict[str, tuple[bool, str]] = {}
    for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines():
        match = ENV_LINE.match(line)
        if match:
            assert match[1] not in found, f"{match[1]} appears twice"
            found[match[1]] = (line.startswith("#"), match[2].split("  (")[0].strip())
    return found


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    names = set(env_example())
    fields = {f"MUSE_{name.upper()}" for name in Settings.model_fields}
    assert not fields - names, f"missing from .env.example: {sorted(fields - names)}"
    assert not names - fields, f"not settings: {sorted(names - fields)}"


def test_env_example_values_are_the_defaults() -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    for name, (commented, value) in env_example().items():
        field = name.removeprefix("MUSE_").lower()
        if commented:
            info = Settings.model_fields[field]
            assert info.default is None or info.default_factory is not None, name
            continue
        overrides: dict[str, Any] = {"_env_file": None, field: value}
        parsed = Settings(**overrides)
        assert getattr(parsed, field) == getattr(defaults, field), name


def test_env_example_follows_the_settings_order_and_sections() -> None:
    # The setting lines (names, order, defaults) must match the rendering; description comments
    # may lag a little without failing other engineers' work.
    def settings_lines(text: str) -> list[str]:
        return [
            line for line in text.splitlines() if ENV_LINE.match(line) or line.startswith("# --- ")
        ]

    text = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    assert settings_lines(text) == settings_lines(render_env_example()), (
        "deploy/.env.example is stale: python -m bot.ops.envfile > deploy/.env.example"
    )


# -- compose.yaml ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return data


def test_compose_runs_muse_alone_on_the_embedded_engine_by_default(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    muse = services["muse"]
    assert "profiles" not in muse, "Muse must start with a plain `docker compose up`"
    assert muse["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    assert (DEPLOY / ".." / muse["build"]["dockerfile"]).resolve() == DEPLOY / "Dockerfile"
    env = muse["environment"]
    assert env["MUSE_ENGINE"] == "${MUSE_ENGINE:-embedded}"
    for name in env:
        assert name.removeprefix("MUSE_").lower() in Settings.model_fields, name
    mounts = {v.split(":")[1]: v.split(":")[0] for v in muse["volumes"]}
    assert mounts["/var/lib/muse"] in compose["volumes"], "the database needs a named volume"
    assert "/models" in mounts
    assert env["MUSE_DATABASE"].startswith("/var/lib/muse/")
    assert muse["restart"] == "unless-stopped"
    assert int(muse["stop_grace_period"].rstrip("s")) >= 15


def test_compose_llama_profile_adds_a_server_and_points_muse_at_it(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    llama = services["llama"]
    assert llama["profiles"] == ["llama-server"]
    command = llama["command"]
    port = command[command.index("--port") + 1]
    remote = services["muse"]["environment"]["MUSE_REMOTE_URL"]
    assert f"http://llama:{port}/v1" in remote
    dependency = services["muse"]["depends_on"]["llama"]
    assert dependency["condition"] == "service_healthy" and dependency["required"] is False
    assert "healthcheck" in llama
    assert any(v.endswith(":/models:ro") for v in llama["volumes"])


# -- Dockerfile -----------------------------------------------------------------------------


def dockerfile() -> list[str]:
    """Instructions, continuation lines joined, comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", text)
    return [line for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def stages() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = ""
    for line in dockerfile():
        if line.startswith("FROM "):
            current = line.split(" AS ")[-1].strip()
            found[current] = []
        elif current:
            found[current].append(line)
    return found


def test_dockerfile_builds_in_one_stage_and_runs_slim_in_another() -> None:
    found = stages()
    assert list(found) == ["build", "runtime"]
    build, runtime = found["build"], found["runtime"]
    assert any(
        line.startswith("ARG LLAMA_CPP_PYTHON=") and "llama-cpp-python" in line for line in build
    )
    compile_step = next(line for line in build if "${LLAMA_CPP_PYTHON}" in line)
    assert "pip install" in compile_step and "CMAKE_ARGS" in compile_step
    install_step = build.index(compile_step)
    assert install_step < build.index("COPY bot ./bot"), "llama.cpp compiles before code changes"
    assert any("build-essential" in line for line in build)
    assert not any("build-essential" in line for line in runtime), "no compilers at run time"
    assert "COPY --from=build /opt/muse /opt/muse" in runtime
    from_lines = [line for line in dockerfile() if line.startswith("FROM ")]
    assert all("slim" in line for line in from_lines)


def test_dockerfile_runtime_is_non_root_with_volumes_and_a_healthcheck() -> None:
    runtime = stages()["runtime"]
    users = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any("useradd --system" in line for line in runtime)
    volumes = next(line for line in runtime if line.startswith("VOLUME "))
    assert "/var/lib/muse" in volumes and "/models" in volumes
    health = next(line for line in runtime if line.startswith("HEALTHCHECK "))
    assert "/healthz" in health and "--interval" in health
    env = " ".join(line for line in runtime if line.startswith("ENV "))
    assert "MUSE_OPS_PORT=8080" in env and "MUSE_DATABASE=/var/lib/muse/" in env
    assert runtime[-1] == 'CMD ["run", "--no-terminal"]'
    assert 'ENTRYPOINT ["muse"]' in runtime


def test_docker_build_context_keeps_the_sources_and_drops_the_rest() -> None:
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    assert "**" in ignore
    copied = {
        line.split()[1]
        for line in dockerfile()
        if line.startswith("COPY ") and "--from" not in line
    }
    for path in copied:
        assert f"!{path}" in ignore or f"!{path}/**" in ignore, path
        assert (REPO / path).exists(), path


# -- systemd --------------------------------------------------------------------------------


def unit() -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / "muse.service").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_systemd_unit_is_hardened() -> None:
    values = unit()
    assert values["User"] == ["muse"] and values["Group"] == ["muse"]
    assert values["ProtectSystem"] == ["strict"]
    assert values["StateDirectory"] == ["muse"]
    assert values["Restart"] == ["on-failure"]
    assert values["NoNewPrivileges"] == ["yes"] and values["CapabilityBoundingSet"] == [""]
    assert values["Environment"][0] == "MUSE_DATABASE=/var/lib/muse/muse.db"
    assert values["ExecStart"][0].endswith("muse run --no-terminal")


def test_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed on this machine")
    muse = Path(shutil.which("muse") or REPO / ".venv/bin/muse")
    if not muse.exists():
        pytest.skip("no muse executable to stand in for /opt/muse/bin/muse")
    # verify checks that ExecStart exists: point it at this checkout's muse, change nothing else.
    text = (DEPLOY / "muse.service").read_text(encoding="utf-8")
    copy = tmp_path / "muse.service"
    copy.write_text(text.replace("/opt/muse/bin/muse", str(muse)), encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "muse.service" not in result.stderr, f"warnings: {result.stderr}"
