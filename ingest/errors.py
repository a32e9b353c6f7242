"""Ingest's user-facing error type and its exit codes.

Each failure the user can cause has its own exit code, so scripts can tell "wrong export" from
"unreadable path" without parsing messages. The codes are listed in ``--help``.
"""

from __future__ import annotations

from shitpostbot.errors import ShitpostBotError

EXIT_OK = 0
EXIT_USAGE = 2  # argparse's own code for bad flags
EXIT_NO_INPUT = 3  # a PATH is missing, or nothing readable was found in any PATH
EXIT_NO_OWNER_TEXT = 4  # the export was read but nothing written by the owner was found
EXIT_OWNER_UNKNOWN = 5  # the owner could not be decided; pass --owner
EXIT_OUTPUT = 6  # the output file could not be written

EXIT_CODES_HELP = f"""exit codes:
  {EXIT_OK}  corpus written
  {EXIT_USAGE}  bad command-line arguments
  {EXIT_NO_INPUT}  a PATH does not exist, or no readable export file was found
  {EXIT_NO_OWNER_TEXT}  the export was read but holds nothing written by the owner
  {EXIT_OWNER_UNKNOWN}  the owner could not be decided (pass --owner NAME)
  {EXIT_OUTPUT}  the output file could not be written"""


class IngestError(ShitpostBotError):
    """A problem with the export or the output path; the message names the file."""
