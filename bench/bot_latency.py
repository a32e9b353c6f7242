"""Benchmark: mention-to-reply latency and event-loop lag through the loopback fake Discord.

    .venv/bin/python bench/bot_latency.py [--checkpoint checkpoints/default.pt] [--rounds 3]

Runs the real bot (real ``model.Generator``, production ``ModelService``) against
``tests/bot/fake_discord.py``; each round sends 20 mentions at once and times each from the
MESSAGE_CREATE dispatch to the bot's POST of the reply. A probe task sleeps 5 ms in a loop on the
same event loop and records how late it wakes: that is the loop lag a heartbeat would see.
Targets on 2 CPU cores: p95 <= 1 s, largest loop lag <= 50 ms. Not a test: no assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.bot.fake_discord import FakeDiscord  # noqa: E402
from tests.bot.harness import make_config, real_service, running_bot  # noqa: E402


async def loop_lag_probe(stop: asyncio.Event, lags: list[float], period: float = 0.005) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        start = loop.time()
        await asyncio.sleep(period)
        lags.append(loop.time() - start - period)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def bench(checkpoint: Path, rounds: int, n: int, threads: int) -> dict[str, float]:
    latencies: list[float] = []
    lags: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        config = make_config(Path(tmp), checkpoint=checkpoint, torch_threads=threads, queue_size=64)
        async with FakeDiscord() as fake:
            async with running_bot(fake, config, real_service(config, seed=1)) as run:
                # warm-up: first generation pays for lazy initialisation
                await fake.send_mention("warm up")
                await fake.wait_for_request("POST", r"/channels/\d+/messages", timeout=120)
                stop = asyncio.Event()
                probe = asyncio.create_task(loop_lag_probe(stop, lags))
                for _ in range(rounds):
                    since = len(fake.requests)
                    sent_at: dict[str, float] = {}
                    for i in range(n):
                        data = await fake.send_mention(f"question number {i} about cats")
                        sent_at[data["id"]] = time.monotonic()
                    await fake.wait_for_request(
                        "POST", r"/channels/\d+/messages", count=n, since=since, timeout=300
                    )
                    for r in fake.messages(since=since):
                        ref = str(r.body["message_reference"]["message_id"])
                        latencies.append(r.at - sent_at[ref])
                stop.set()
                await probe
                batches = list(run.bot.service.batch_sizes)
                blocked = run.logs.blocked_heartbeats()
    return {
        "replies": len(latencies),
        "p50_s": statistics.median(latencies),
        "p95_s": pct(latencies, 0.95),
        "max_s": max(latencies),
        "max_loop_lag_ms": max(lags) * 1000,
        "p99_loop_lag_ms": pct(lags, 0.99) * 1000,
        "batches": batches,
        "blocked_heartbeat_warnings": len(blocked),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--checkpoint", type=Path, default=ROOT / "checkpoints" / "default.pt")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--mentions", type=int, default=20)
    p.add_argument("--threads", type=int, default=1, help="SHITPOSTBOT_TORCH_THREADS")
    args = p.parse_args()
    if not args.checkpoint.is_file():
        print(f"bot_latency: error: {args.checkpoint}: no such checkpoint", file=sys.stderr)
        return 2
    result = asyncio.run(bench(args.checkpoint, args.rounds, args.mentions, args.threads))
    print(
        f"date: {time.strftime('%Y-%m-%d')}  machine: {platform.machine()} "
        f"{platform.processor() or ''} cpus={__import__('os').cpu_count()}  "
        f"checkpoint: {args.checkpoint} ({args.checkpoint.stat().st_size} bytes)"
    )
    for key, value in result.items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
