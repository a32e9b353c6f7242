"""The model service: one worker thread runs every generation, batching requests that wait together.

Why a dedicated thread and not ``asyncio.to_thread`` per request: ``Generator`` is not thread-safe,
and a GRU step for twenty sequences costs a CPU little more than for one, so requests that pile
up while a batch runs are drained and generated together in the next pass. The event loop only
enqueues and awaits futures, so heartbeats keep flowing while the CPU works.

Reloads build and smoke-test the new generator in a separate short-lived thread while the worker
keeps serving the old one; the swap is a single reference assignment that the worker picks up at
its next batch, so it waits for no one and a failed load changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.errors import ServiceBusy, ServiceNotReady

log = logging.getLogger(__name__)


class TextGenerator(Protocol):
    """The part of ``model.Generator`` the service uses (see docs/ARCHITECTURE.md)."""

    info: Any

    def generate(
        self, prompts: Sequence[str | None], settings: Any, seed: int | None = None
    ) -> list[str]: ...


Loader = Callable[[Path], TextGenerator]


@dataclass
class _Request:
    prompt: str | None
    future: asyncio.Future[str]
    loop: asyncio.AbstractEventLoop


def _deliver(fut: asyncio.Future[str], value: str | None, exc: BaseException | None) -> None:
    if fut.done():  # the caller timed out or was cancelled
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(value or "")


class ModelService:
    """Serve text from one generator on one worker thread; swap generators atomically."""

    def __init__(
        self,
        loader: Loader,
        settings: Any,
        *,
        smoke_settings: Any | None = None,
        queue_size: int = 32,
        max_batch: int = 32,
        torch_threads: int = 1,
        seed: int | None = None,
        timeout: float = 60.0,
    ) -> None:
        self._loader = loader
        self._settings = settings
        self._smoke_settings = smoke_settings if smoke_settings is not None else settings
        self._queue_size = queue_size
        self._max_batch = max_batch
        self._torch_threads = torch_threads
        self._seeds = itertools.count(seed) if seed is not None else None
        self._timeout = timeout
        self._jobs: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._generator: TextGenerator | None = None
        self._path: Path | None = None
        self._pending = 0
        self._swap_lock: asyncio.Lock | None = None
        self._thread: threading.Thread | None = None
        self.loaded_at: float | None = None
        #: sizes of the batches the worker ran, newest last (bounded); tests and /status read it.
        self.batch_sizes: list[int] = []

    # -- state -------------------------------------------------------------------------------
    @property
    def generator(self) -> TextGenerator | None:
        return self._generator

    @property
    def info(self) -> Any:
        return None if self._generator is None else self._generator.info

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def queue_depth(self) -> int:
        """Requests accepted and not yet answered (waiting or being generated)."""
        return self._pending

    # -- loading -----------------------------------------------------------------------------
    async def load(self, path: Path) -> Any:
        """Load ``path`` in a thread, smoke-test it, then swap it in; on error keep the old one."""
        if self._swap_lock is None:
            self._swap_lock = asyncio.Lock()
        async with self._swap_lock:  # two concurrent /reloads: the later one wins, in order
            new = await asyncio.to_thread(self._build, Path(path))
            old, self._generator, self._path = self._generator, new, Path(path)
            self.loaded_at = time.time()
        self._ensure_worker()
        log.info(
            "model %s loaded from %s%s",
            getattr(new.info, "name", "?"),
            path,
            "" if old is None else f" (replaced {getattr(old.info, 'name', '?')})",
        )
        return new.info

    def _build(self, path: Path) -> TextGenerator:
        self._limit_threads()
        gen = self._loader(path)
        with self._inference():
            out = gen.generate([None], self._smoke_settings, seed=0)
        if not isinstance(out, list) or len(out) != 1 or not isinstance(out[0], str):
            raise ValueError(f"{path}: smoke generation returned {type(out).__name__}, not [str]")
        return gen

    # -- generation --------------------------------------------------------------------------
    async def generate(self, prompt: str | None) -> str:
        """Text for one prompt; ``ServiceBusy`` when the queue is full, ``TimeoutError`` if slow."""
        if self._generator is None:
            raise ServiceNotReady("no model loaded yet")
        if self._pending >= self._queue_size:
            raise ServiceBusy(f"{self._pending} requests already waiting")
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[str] = loop.create_future()
        self._pending += 1
        try:
            self._jobs.put(_Request(prompt, fut, loop))
            return await asyncio.wait_for(fut, self._timeout)
        finally:
            self._pending -= 1

    def _ensure_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="model-worker", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        self._limit_threads()
        while True:
            first = self._jobs.get()
            if first is None:
                return
            batch, stop = [first], False
            while len(batch) < self._max_batch:
                try:
                    nxt = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            batch = [r for r in batch if not r.future.done()]
            if batch:
                self._run_batch(batch)
            if stop:
                return

    def _run_batch(self, batch: list[_Request]) -> None:
        gen = self._generator  # read once: a swap mid-batch does not affect this batch
        seed = next(self._seeds) if self._seeds is not None else None
        self.batch_sizes = (self.batch_sizes + [len(batch)])[-100:]
        try:
            if gen is None:
                raise ServiceNotReady("no model loaded")
            with self._inference():
                texts = gen.generate([r.prompt for r in batch], self._settings, seed=seed)
            if len(texts) != len(batch):
                raise RuntimeError(
                    f"generator returned {len(texts)} texts for {len(batch)} prompts"
                )
            results: list[tuple[str | None, BaseException | None]] = [(t, None) for t in texts]
        except Exception as exc:  # delivered to every waiter; the loop logs it where it's awaited
            log.exception("generation failed for a batch of %d", len(batch))
            results = [(None, exc)] * len(batch)
        for req, (text, exc) in zip(batch, results, strict=True):
            with contextlib.suppress(RuntimeError):  # loop already closed at shutdown
                req.loop.call_soon_threadsafe(_deliver, req.future, text, exc)

    def _limit_threads(self) -> None:
        try:
            import torch
        except ImportError:  # stand-in generators in unit tests don't need torch
            return
        if torch.get_num_threads() != self._torch_threads:
            torch.set_num_threads(self._torch_threads)

    @staticmethod
    def _inference() -> contextlib.AbstractContextManager[Any]:
        try:
            import torch
        except ImportError:
            return contextlib.nullcontext()
        return torch.inference_mode()

    @property
    def worker_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def close(self, timeout: float | None = 30.0) -> bool:
        """Stop the worker after the batch in progress and wait up to ``timeout`` s for it.

        Blocking on purpose: the worker runs torch, and an interpreter that exits while a daemon
        thread is inside torch can abort (``terminate called without an active exception``).
        Command-line paths call this directly; the bot's async ``close`` runs it in a thread so
        the event loop keeps going. Returns True when no worker is left running. Safe to call
        more than once.
        """
        thread = self._thread
        if thread is None or not thread.is_alive():
            return True
        if thread is threading.current_thread():  # called from a generation: can't join itself
            self._jobs.put(None)
            return False
        self._jobs.put(None)
        thread.join(timeout)
        if thread.is_alive():
            log.warning("model worker still busy after %s s; not waiting any longer", timeout)
            return False
        return True
