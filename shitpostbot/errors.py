"""The one exception type every part of the project raises for bad *user* input.

Ingest, model and bot each subclass it (``IngestError``, ``CheckpointError``, ``ConfigError``)
so the command line can turn any of them into a single readable line and an exit code, while
real bugs still surface as tracebacks.
"""

from __future__ import annotations


class ShitpostBotError(Exception):
    """A problem with the user's input, files or settings: the message is shown as one line.

    The message should name the file (or setting) and say what is wrong with it.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
