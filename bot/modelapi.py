"""The seam between the bot and ``model/``: loading checkpoints and building sampling settings.

Everything that imports ``model`` (and so torch) goes through here, imported lazily, so the
rest of ``bot/`` can be imported and unit-tested with a stand-in generator, and so that a
``/reload`` argument can never point outside the checkpoint folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import BotConfig
from bot.errors import ConfigError
from bot.service import ModelService, TextGenerator

#: A short generation used to prove a freshly loaded checkpoint works before it is swapped in.
SMOKE_CHARS = 16
#: Candidates sampled per reply (the model keeps the first that passes its guards). Two, not the
#: sampler's default four: twenty mentions at once then fit in one batch that answers within
#: about a second on one CPU core (BENCHMARKS.md, "Bot"), and a reply whose candidates all fail
#: is simply drawn again by ``bot.reply.compose``.
REPLY_CANDIDATES = 2


def load_generator(path: Path) -> TextGenerator:
    """``model.Generator.load`` on the CPU; raises ``model.CheckpointError`` for a bad file."""
    from model import Generator

    return Generator.load(str(path), device="cpu")


def sampling_settings(config: BotConfig, max_chars: int | None = None) -> Any:
    from model import SamplingSettings

    return SamplingSettings(
        max_chars=config.max_chars if max_chars is None else max_chars,
        temperature=config.temperature,
        n_candidates=REPLY_CANDIDATES,
    )


def build_service(config: BotConfig, *, seed: int | None = None) -> ModelService:
    """The production model service for ``config`` (tests build ``ModelService`` directly)."""
    return ModelService(
        load_generator,
        sampling_settings(config),
        smoke_settings=sampling_settings(config, SMOKE_CHARS),
        queue_size=config.queue_size,
        torch_threads=config.torch_threads,
        seed=seed,
        timeout=config.reply_timeout,
    )


def resolve_checkpoint(name: str | None, config: BotConfig) -> Path:
    """The file ``/reload [checkpoint]`` means: the configured one, or a name inside the folder.

    Anything that would leave ``SHITPOSTBOT_CHECKPOINT_DIR`` (``..``, an absolute path elsewhere)
    is refused: a Discord user must not be able to make the bot open arbitrary files.
    """
    if not name:
        return config.checkpoint
    folder = config.checkpoint_dir.resolve()
    path = Path(name)
    if not path.suffix:
        path = path.with_suffix(".pt")
    full = (folder / path).resolve()
    if not full.is_relative_to(folder):
        raise ConfigError(f"checkpoint {name!r} is outside {config.checkpoint_dir}/")
    return full
