"""Where the tests find things. Shared data is read in place from ``../shared``."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
FB_SAMPLES = SHARED_DATA / "fb-samples"
TINY_SHAKESPEARE = SHARED_DATA / "tinyshakespeare.txt"
