"""The ``shitpostbot`` dispatcher: usage, unknown commands, and one-line user errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from shitpostbot import cli
from shitpostbot.errors import ShitpostBotError


def test_no_arguments_prints_usage_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    out = capsys.readouterr().out
    for name in cli.SUBCOMMANDS:
        assert name in out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["frobnicate"]) == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err


def test_every_subcommand_target_exists() -> None:
    for target, _ in cli.SUBCOMMANDS.values():
        assert callable(cli._resolve(target)), target


def test_user_error_becomes_one_line_and_its_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    def broken(argv: list[str]) -> int:
        raise ShitpostBotError("corpus.jsonl: line 3 is not JSON", exit_code=4)

    assert cli.run_main(broken, [], "shitpostbot demo") == 4
    err = capsys.readouterr().err
    assert err == "shitpostbot demo: error: corpus.jsonl: line 3 is not JSON\n"


def test_ctrl_c_exits_130(capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(argv: list[str]) -> int:
        raise KeyboardInterrupt

    assert cli.run_main(interrupted, [], "shitpostbot demo") == 130


def test_installed_console_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "shitpostbot", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("shitpostbot ")


def test_closed_pipe_is_quiet() -> None:
    """``shitpostbot ... | head`` closing early must not print a traceback."""
    code = (
        "import sys\n"
        "from shitpostbot.cli import run_main\n"
        "def spam(argv):\n"
        "    for _ in range(100000):\n"
        "        print('x' * 100)\n"
        "    return 0\n"
        "sys.exit(run_main(spam, [], 'demo'))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()  # the reader goes away, like `head`
    err = proc.stderr.read().decode()
    assert proc.wait() == 141
    assert "Traceback" not in err
