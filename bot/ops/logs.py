"""Logging set-up: readable text for people, one JSON object a line for log collectors.

Records may carry ``extra={"incident": ..., "guild": ..., "user": ..., "command": ...}``; the JSON
format writes them as fields, so an operator can find the incident id a member quotes with one
query (``jq 'select(.incident == "1a2b3c4d")'``).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Literal

__all__ = ["CONTEXT_FIELDS", "JsonFormatter", "configure_logging"]

CONTEXT_FIELDS = ("incident", "command", "guild", "user", "shard", "generation")
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, context fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str, fmt: Literal["text", "json"] = "text") -> None:
    """Log to stderr (systemd's journal and container runtimes collect it from there)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("discord").setLevel(max(logging.getLevelName(level), logging.INFO))
