"""From a Facebook export to a Discord reply: ingest -> train -> the real bot answers a mention.

The export is the public synthetic fixture set under ``../shared/data/fb-samples/`` (read in
place). The model is trained for a few steps only: the point is that every hand-off works for
real (corpus format, checkpoint format, the bot loading that checkpoint), not that it writes well.
The reply is checked against what the freshly trained checkpoint itself produces for the same
prompt and seed, so a reply from any other model (or a canned string) would fail.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from bot.modelapi import sampling_settings
from bot.reply import clean_prompt, compose
from ingest.cli import main as ingest_main
from model import Generator
from model.train import main as train_main
from tests.bot.fake_discord import BOT_ID, FakeDiscord
from tests.bot.harness import make_config, real_service, running_bot
from tests.paths import FB_SAMPLES

EXPORT = FB_SAMPLES / "facebook-data-miner" / "tests" / "test_data"
SEED = 7


class _SeededSource:
    """Generates like the bot's model service does: one prompt per batch, seeds counting up."""

    def __init__(self, generator: Generator, settings: object, seed: int) -> None:
        self._generator, self._settings, self._seed = generator, settings, seed

    async def generate(self, prompt: str | None) -> str:
        text = self._generator.generate([prompt], self._settings, seed=self._seed)[0]
        self._seed += 1
        return text


async def test_export_to_trained_bot_reply(tmp_path: Path) -> None:
    torch.set_num_threads(1)
    corpus = tmp_path / "corpus.jsonl"
    assert ingest_main([str(EXPORT), "-o", str(corpus), "--quiet"]) == 0
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    assert records and all(r["source"] == "facebook" and r["text"] for r in records)

    checkpoint = tmp_path / "mine.pt"
    train_argv = [str(corpus), "-o", str(checkpoint), "--steps", "30", "--hidden", "32",
                  "--layers", "1", "--seq-len", "32", "--batch-size", "8", "--seed", "0",
                  "--threads", "1", "--quiet"]  # fmt: skip
    assert train_main(train_argv) == 0

    config = make_config(tmp_path, checkpoint=checkpoint)
    message = "are you the real Bugs Bunny?"
    async with FakeDiscord() as fake:
        async with running_bot(fake, config, real_service(config, seed=SEED)) as run:
            assert Path(run.bot.service.info.path) == checkpoint
            await fake.send_mention(message)
            reply = await fake.wait_for_request("POST", r"/channels/\d+/messages")
        assert not fake.unknown, f"the bot called routes the fake lacks: {fake.unknown}"

    expected_source = _SeededSource(Generator.load(checkpoint), sampling_settings(config), SEED)
    expected = await compose(expected_source, clean_prompt(f"<@{BOT_ID}> {message}", BOT_ID))
    assert reply.body["content"] == expected
    assert reply.body["allowed_mentions"]["parse"] == []
