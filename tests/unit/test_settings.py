from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.settings import Settings, SettingsError, load_settings


def test_defaults() -> None:
    settings = load_settings()
    assert settings.discord_token is None
    assert settings.discord_api_base == "https://discord.com/api/v10"
    assert settings.discord_gateway == "wss://gateway.discord.gg/"
    assert settings.dev_guild_id is None
    assert settings.model_path is None
    assert settings.log_level == "INFO"


def test_environment_variables_by_their_exact_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MUSE_DISCORD_TOKEN", "abc.def")
    monkeypatch.setenv("MUSE_DISCORD_API_BASE", "http://127.0.0.1:9999/api/v10/")
    monkeypatch.setenv("MUSE_DISCORD_GATEWAY", "ws://127.0.0.1:9999/gateway")
    monkeypatch.setenv("MUSE_DATABASE", str(tmp_path / "x.db"))
    monkeypatch.setenv("MUSE_MODEL_PATH", str(tmp_path / "m.gguf"))
    monkeypatch.setenv("MUSE_DEV_GUILD_ID", "1234")
    monkeypatch.setenv("MUSE_LOG_LEVEL", "debug")
    monkeypatch.setenv("MUSE_CONTEXT_SIZE", "2048")
    settings = load_settings()
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "abc.def"
    assert "abc.def" not in repr(settings)
    assert settings.discord_api_base == "http://127.0.0.1:9999/api/v10"
    assert settings.discord_gateway == "ws://127.0.0.1:9999/gateway"
    assert settings.database == tmp_path / "x.db"
    assert settings.model_path == tmp_path / "m.gguf"
    assert settings.dev_guild_id == 1234
    assert settings.log_level == "DEBUG"
    assert settings.context_size == 2048


def test_dotenv_and_toml_sources_with_env_winning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "muse.toml").write_text('max_tokens = 300\nqueue_depth = 7\nlog_level = "ERROR"\n')
    (tmp_path / ".env").write_text("MUSE_QUEUE_DEPTH=9\n")
    monkeypatch.setenv("MUSE_LOG_LEVEL", "WARNING")
    settings = load_settings()
    assert settings.max_tokens == 300  # from TOML
    assert settings.queue_depth == 9  # .env beats TOML
    assert settings.log_level == "WARNING"  # environment beats both


def test_toml_path_from_muse_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "conf" / "custom.toml"
    config.parent.mkdir()
    config.write_text("threads = 3\n")
    monkeypatch.setenv("MUSE_CONFIG", str(config))
    assert Settings().threads == 3


def test_every_bad_field_is_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSE_CONTEXT_SIZE", "12")
    monkeypatch.setenv("MUSE_DISCORD_API_BASE", "ftp://nope")
    monkeypatch.setenv("MUSE_LOG_LEVEL", "LOUD")
    monkeypatch.setenv("MUSE_DEV_GUILD_ID", "not-a-number")
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    for field in ("context_size", "discord_api_base", "log_level", "dev_guild_id"):
        assert field in message
    assert "MUSE_CONTEXT_SIZE" in message
    assert "4 problem" in message


def test_bad_token_value_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSE_QUEUE_DEPTH", "0")
    with pytest.raises(SettingsError) as info:
        load_settings(discord_token=["secret-value"])
    assert "secret-value" not in str(info.value)


def test_cli_prints_errors_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MUSE_THREADS", "-1")
    monkeypatch.setenv("MUSE_GENERATION_TIMEOUT", "soon")
    code = main(["check"])
    captured = capsys.readouterr()
    assert code == 2
    assert "threads" in captured.err and "generation_timeout" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_malformed_toml_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "muse.toml").write_text("this is = = not toml")
    with pytest.raises(SettingsError, match="could not be read"):
        load_settings()
