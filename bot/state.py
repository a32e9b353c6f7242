"""The last scheduled-post time per channel, kept in a small JSON file written atomically.

Why on disk: "exactly one post per scheduled time" has to survive a reconnect (``on_ready`` fires
again), a second job added by mistake, and a restart of the process. A crash mid-write must
not lose the file either, hence temp file + ``os.replace``.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)


def check_state_dir(path: Path, key: str = "SHITPOSTBOT_STATE_DIR") -> None:
    """Create ``path`` and write + remove a temp file in it; one-line ``ConfigError`` otherwise.

    Run before the bot connects: an unwritable state folder would otherwise surface only at the
    first scheduled post, as a failed job and a repeated post after the next restart.
    """
    from bot.errors import ConfigError

    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path, prefix=".write-test", suffix=".tmp")
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"{key}: cannot create or write {path} ({reason})") from None


class PostState:
    """``channel id -> last post time`` (aware datetimes), persisted in ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._last: dict[int, datetime] = self._read()

    def _read(self) -> dict[int, datetime]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {int(k): datetime.fromisoformat(v) for k, v in raw["last_post"].items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # A damaged state file must not stop the bot; worst case is one extra post.
            log.warning("ignoring unreadable state file %s: %s", self.path, exc)
            return {}

    def last_post(self, channel_id: int) -> datetime | None:
        return self._last.get(channel_id)

    def record(self, channel_id: int, when: datetime) -> None:
        self._last[channel_id] = when
        self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"last_post": {str(k): v.isoformat() for k, v in sorted(self._last.items())}}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
