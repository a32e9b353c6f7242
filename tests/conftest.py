"""Fixtures shared by every test folder.

Shared, public test data is read in place from ``../shared`` (relative to the project root):
its licences differ from ours, so it is never copied into this repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import SHARED_DATA


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared test data not found at {SHARED_DATA} (../shared beside the project)")
    return SHARED_DATA
