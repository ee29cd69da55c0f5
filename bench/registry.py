"""What a benchmark is, what it gets, and what it gives back.

A benchmark is a named function `Run -> list[Measurement]`. To add one, write a module under
`bench/` with a `Benchmark(...)` value and list it in `bench.__main__.BENCHMARKS`; it then runs
with the others (or alone with `--only NAME`), and its figures join the table and the JSON.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.dataset import Dataset, postgres_dataset, postgres_unavailable, sqlite_dataset

BACKENDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Options:
    quick: bool
    backends: tuple[str, ...]
    sizes: tuple[int, ...]
    calls: int
    startup_runs: int
    memory_commands: int
    cache_dir: Path
    postgres_url: str
    rebuild: bool
    keep_stale: bool = False
    profile: bool = False
    """Benchmarks that can sample our bot's process with pyinstrument do so (bench.mixed)."""


@dataclass(frozen=True)
class Measurement:
    """One row of the table: a median, maybe a p99, and the target one of them must meet."""

    benchmark: str
    backend: str
    events: int
    subject: str
    unit: str
    median: float
    p99: float | None = None
    target: float | None = None
    checks: str = "p99"  # the figure below the target: "p99" or "median"; or "at least" (median)
    samples: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def checked(self) -> float:
        return self.p99 if self.checks == "p99" and self.p99 is not None else self.median

    @property
    def ok(self) -> bool | None:
        if self.target is None:
            return None
        if self.checks == "at least":
            return self.median >= self.target
        return self.checked < self.target

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


class Run:
    """The options, which backends can run (and why not), and the data sets, built once."""

    def __init__(self, options: Options, log: Callable[[str], None] | None = None) -> None:
        self.options = options
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.skipped: dict[str, str] = {}
        self.datasets: dict[tuple[str, int], Dataset] = {}
        self._usable: list[str] | None = None

    def backends(self) -> list[str]:
        """The chosen backends that can run; a skipped one is reported once, with the reason."""
        if self._usable is None:
            self._usable = []
            for backend in self.options.backends:
                reason = (
                    postgres_unavailable(self.options.postgres_url)
                    if backend == "postgres"
                    else None
                )
                if reason:
                    self.skipped[backend] = reason
                    self.log(f"skipping {backend}: {reason}")
                else:
                    self._usable.append(backend)
        return list(self._usable)

    def dataset(self, backend: str, size: int) -> Dataset:
        """The data set of `size` events on `backend`, from the cache or built now."""
        key = (backend, size)
        if key not in self.datasets:
            self.log(f"data set: {size:,} events on {backend} ...")
            if backend == "sqlite":
                built = sqlite_dataset(
                    self.options.cache_dir,
                    size,
                    rebuild=self.options.rebuild,
                    keep_stale=self.options.keep_stale,
                )
            else:
                built = postgres_dataset(
                    self.options.postgres_url,
                    size,
                    rebuild=self.options.rebuild,
                    keep_stale=self.options.keep_stale,
                )
            self.log(
                f"data set: {size:,} events on {backend}: "
                + (f"built in {built.build_seconds:.1f} s" if built.built else "cached")
            )
            self.datasets[key] = built
        return self.datasets[key]


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    run: Callable[[Run], list[Measurement]]


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..100): a value that was actually measured."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
