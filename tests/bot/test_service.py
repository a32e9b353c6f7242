"""The model service: batching on one worker thread, a bounded queue, atomic swaps."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from bot.errors import ServiceBusy, ServiceNotReady
from bot.service import ModelService
from tests.bot.harness import ModelInfoStub, ScriptedGenerator, stand_in_service


class Gate(ScriptedGenerator):
    """Blocks the worker inside ``generate`` until released, so a test controls what waits."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.entered = threading.Event()
        self.release = threading.Event()

    def generate(self, prompts, settings, seed=None):
        out = super().generate(prompts, settings, seed)
        if settings != "smoke":
            self.entered.set()
            self.release.wait(10)
        return out


async def test_waiting_requests_are_batched() -> None:
    """While one batch runs, requests that arrive wait and then go in one pass together."""
    gen = Gate()
    service = stand_in_service(gen)
    await service.load(Path("x.pt"))
    first = asyncio.create_task(service.generate("first"))
    await asyncio.to_thread(gen.entered.wait, 10)
    rest = [asyncio.create_task(service.generate(f"p{i}")) for i in range(5)]
    await asyncio.sleep(0)
    assert service.queue_depth == 6
    gen.release.set()
    results = await asyncio.gather(first, *rest)
    assert results == ["you said: first"] + [f"you said: p{i}" for i in range(5)]
    assert gen.calls == [["first"], [f"p{i}" for i in range(5)]]
    assert service.batch_sizes == [1, 5] and service.queue_depth == 0
    service.close()


async def test_full_queue_answers_busy() -> None:
    gen = Gate()
    service = stand_in_service(gen, queue_size=2)
    await service.load(Path("x.pt"))
    tasks = [asyncio.create_task(service.generate(str(i))) for i in range(2)]
    await asyncio.to_thread(gen.entered.wait, 10)
    with pytest.raises(ServiceBusy):
        await service.generate("one too many")
    gen.release.set()
    await asyncio.gather(*tasks)
    service.close()


async def test_not_ready_before_load() -> None:
    with pytest.raises(ServiceNotReady):
        await stand_in_service(ScriptedGenerator()).generate("x")


async def test_failed_load_keeps_old_generator() -> None:
    """A loader error (or a broken smoke generation) leaves the old model serving."""
    good = ScriptedGenerator(info=ModelInfoStub(name="good"))

    def loader(path: Path):
        if path.name == "bad.pt":
            raise ValueError("bad.pt: truncated")
        return good

    service = ModelService(loader, settings="reply", smoke_settings="smoke")
    await service.load(Path("good.pt"))
    with pytest.raises(ValueError, match="truncated"):
        await service.load(Path("bad.pt"))
    assert service.info.name == "good" and service.path == Path("good.pt")
    assert await service.generate("hi") == "you said: hi"
    service.close()


async def test_swap_does_not_wait_for_running_batch() -> None:
    """A reload completes while a batch on the old model is still running; the next uses new."""
    old = Gate(info=ModelInfoStub(name="old"))
    new = ScriptedGenerator(text=lambda p: "new", info=ModelInfoStub(name="new"))
    service = ModelService(
        lambda p: old if p.name == "old.pt" else new, "reply", smoke_settings="smoke"
    )
    await service.load(Path("old.pt"))
    running = asyncio.create_task(service.generate("a"))
    await asyncio.to_thread(old.entered.wait, 10)
    await asyncio.wait_for(service.load(Path("new.pt")), 5)  # old batch still blocked
    assert service.info.name == "new" and not running.done()
    old.release.set()
    assert await running == "you said: a"  # in-flight request finished on the old model
    assert await service.generate("b") == "new"
    service.close()


async def test_generator_error_reaches_caller() -> None:
    def boom(prompt):
        raise RuntimeError("cuda exploded")

    service = stand_in_service(ScriptedGenerator(text=boom))
    await service.load(Path("x.pt"))
    with pytest.raises(RuntimeError, match="exploded"):
        await service.generate("x")
    assert await asyncio.wait_for(asyncio.shield(asyncio.sleep(0, "alive")), 1) == "alive"
    service.close()


async def test_close_waits_for_the_worker() -> None:
    """close() returns only once the worker thread has finished (no torch left running at exit)."""
    gen = Gate()
    service = stand_in_service(gen)
    await service.load(Path("x.pt"))
    running = asyncio.create_task(service.generate("a"))
    await asyncio.to_thread(gen.entered.wait, 10)
    assert service.worker_alive
    gen.release.set()
    assert await asyncio.to_thread(service.close, 10) is True
    assert not service.worker_alive
    assert await running == "you said: a"  # the batch in progress was finished, not dropped
    assert service.close() is True  # idempotent


async def test_close_gives_up_after_timeout() -> None:
    """A worker stuck in a generation does not hang shutdown forever: close() reports False."""
    gen = Gate()
    service = stand_in_service(gen)
    await service.load(Path("x.pt"))
    running = asyncio.create_task(service.generate("a"))
    await asyncio.to_thread(gen.entered.wait, 10)
    assert await asyncio.to_thread(service.close, 0.01) is False  # blocked until released
    gen.release.set()
    assert await running == "you said: a"
    assert await asyncio.to_thread(service.close, 10) is True
