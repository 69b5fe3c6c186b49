"""Operations: the /healthz and /metrics endpoint, metrics, structured logs, online backups and
the Discord permissions Muse needs.

Modules: :mod:`.metrics` (Prometheus registry, metered engine, Discord API error trace),
:mod:`.health` (what /healthz checks), :mod:`.cog` (the endpoint, loaded as an extension when
``MUSE_OPS_PORT`` is set), :mod:`.logs` (text or JSON logs with incident ids), :mod:`.backup`
(``muse backup``), :mod:`.permissions` (the invite URL's permission integer).
"""

from .backup import BackupReport, backup_database
from .logs import JsonFormatter, configure_logging
from .metrics import DiscordApiTrace, MeteredEngine, MuseMetrics
from .permissions import invite_url, permission_integer

__all__ = [
    "BackupReport",
    "DiscordApiTrace",
    "JsonFormatter",
    "MeteredEngine",
    "MuseMetrics",
    "backup_database",
    "configure_logging",
    "invite_url",
    "permission_integer",
]
