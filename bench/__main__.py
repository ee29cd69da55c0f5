"""`python -m bench`: runs the benchmarks, prints one table, writes the figures as JSON.

    python -m bench                      # 1k, 10k, 100k events; SQLite and PostgreSQL
    python -m bench --quick --backend sqlite   # the CI smoke form: tiny sizes, a few seconds
    python -m bench --only latency --sizes 100000 --calls 500

Benchmarks are listed in BENCHMARKS below; a new one is a `bench.registry.Benchmark` in its own
module under `bench/`, added to that tuple (see bench/registry.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    fanout,
    language_churn,
    latency,
    mixed,
    slack_throughput,
    startup,
    telegram_throughput,
)
from bench.dataset import ANCHOR, DATASET_VERSION, SEED
from bench.registry import BACKENDS, Benchmark, Measurement, Options, Run

BENCHMARKS: tuple[Benchmark, ...] = (
    latency.BENCHMARK,
    startup.STARTUP,
    startup.MEMORY,
    slack_throughput.BENCHMARK,
    telegram_throughput.BENCHMARK,
    fanout.BENCHMARK,
    language_churn.BENCHMARK,
    mixed.BENCHMARK,
)
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (200, 1_000)
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
HEADER = ("benchmark", "backend", "events", "what", "median", "p99", "target", "ok")


def sizes(value: str) -> tuple[int, ...]:
    try:
        chosen = tuple(sorted({int(part.replace("_", "")) for part in value.split(",")}))
    except ValueError:
        raise argparse.ArgumentTypeError("expected event counts like 1000,10000,100000") from None
    if not chosen or min(chosen) < 10:
        raise argparse.ArgumentTypeError("each size must be at least 10 events")
    return chosen


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("expected a positive number")
    return number


def parser() -> argparse.ArgumentParser:
    names = ", ".join(b.name for b in BENCHMARKS)
    root = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmarks of coalition-bot's core on synthetic data: command latency "
        "(p50/p99), start-up to the first answer, and peak memory. Prints a table with each "
        "target and writes the figures as JSON.",
        epilog="Benchmarks: "
        + "; ".join(f"{b.name}: {b.description}" for b in BENCHMARKS)
        + ". Data sets are cached under --cache-dir (SQLite) and as bench_ds_* databases "
        "(PostgreSQL); --rebuild makes them anew.",
    )
    root.add_argument(
        "--quick",
        action="store_true",
        help=f"CI smoke form: sizes {','.join(map(str, QUICK_SIZES))}, 50 calls, one start-up "
        "run, 200 commands for memory (well under a minute)",
    )
    root.add_argument(
        "--backend",
        choices=[*BACKENDS, "both"],
        default="both",
        help="database(s) to measure (default both; PostgreSQL is skipped, with the reason, "
        "when it cannot be reached)",
    )
    root.add_argument(
        "--sizes",
        type=sizes,
        default=None,
        help="event counts of the data sets (default 1000,10000,100000)",
    )
    root.add_argument(
        "--calls", type=positive, default=None, help="timed calls per command (default 2000)"
    )
    root.add_argument(
        "--only", default=None, help=f"comma-separated benchmarks to run (of: {names})"
    )
    root.add_argument(
        "--startup-runs", type=positive, default=None, help="measured start-ups (default 5)"
    )
    root.add_argument(
        "--memory-commands",
        type=positive,
        default=None,
        help="commands the memory probe answers (default 5000)",
    )
    root.add_argument(
        "--json",
        type=Path,
        default=RESULTS / "latest.json",
        help="where to write the figures (default bench/results/latest.json)",
    )
    root.add_argument(
        "--cache-dir",
        type=Path,
        default=RESULTS,
        help="where built SQLite data sets are kept (default bench/results/)",
    )
    root.add_argument(
        "--postgres-url",
        default=os.environ.get("COALITION_BOT_TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL,
        help="a PostgreSQL server the benchmark may create bench_* databases on "
        "(default $COALITION_BOT_TEST_DATABASE_URL, else %(default)s)",
    )
    root.add_argument("--rebuild", action="store_true", help="rebuild cached data sets")
    root.add_argument(
        "--keep-stale",
        action="store_true",
        help="keep data sets cached for other schema revisions (to compare two checkouts)",
    )
    root.add_argument(
        "--profile",
        action="store_true",
        help="sample our bot's process with pyinstrument where a benchmark can (mixed): call "
        "tree, flat list and HTML flame view in the results directory, top entries printed; "
        "the figures of a profiled run are slower",
    )
    root.add_argument(
        "--strict", action="store_true", help="exit 1 when a target is missed (default 0)"
    )
    return root


def options_from(args: argparse.Namespace) -> Options:
    quick = bool(args.quick)
    return Options(
        quick=quick,
        backends=BACKENDS if args.backend == "both" else (args.backend,),
        sizes=args.sizes or (QUICK_SIZES if quick else DEFAULT_SIZES),
        calls=args.calls or (50 if quick else 2_000),
        startup_runs=args.startup_runs or (1 if quick else 5),
        memory_commands=args.memory_commands or (200 if quick else 5_000),
        cache_dir=args.cache_dir,
        postgres_url=args.postgres_url,
        rebuild=bool(args.rebuild),
        keep_stale=bool(args.keep_stale),
        profile=bool(args.profile),
    )


def chosen(only: str | None) -> list[Benchmark]:
    if not only:
        return list(BENCHMARKS)
    wanted = [name.strip() for name in only.split(",") if name.strip()]
    known = {b.name: b for b in BENCHMARKS}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise SystemExit(
            f"python -m bench: unknown benchmark {unknown[0]!r} (of: {', '.join(known)})"
        )
    return [known[name] for name in wanted]


def figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.2f} ms"
    if unit == "×":
        return f"{value:.2f} ×"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.1f} {unit}"


def row(m: Measurement) -> tuple[str, ...]:
    relation = "≥" if m.checks == "at least" else f"{m.checks} <"
    target = f"{relation} {figure(m.target, m.unit)}" if m.target is not None else "—"
    mark = {True: "✓", False: "✗", None: ""}[m.ok]
    return (
        m.benchmark,
        m.backend,
        f"{m.events:,}",
        m.subject,
        figure(m.median, m.unit),
        figure(m.p99, m.unit),
        target,
        mark,
    )


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)]).rstrip()


def scaling(measurements: Sequence[Measurement]) -> list[dict[str, Any]]:
    """For each figure measured at several sizes: largest size / smallest size."""
    groups: dict[tuple[str, str, str], list[Measurement]] = {}
    for m in measurements:
        groups.setdefault((m.benchmark, m.backend, m.subject), []).append(m)
    ratios = []
    for (benchmark, backend, subject), group in groups.items():
        if len({m.events for m in group}) < 2:
            continue
        small = min(group, key=lambda m: m.events)
        large = max(group, key=lambda m: m.events)
        ratios.append(
            {
                "benchmark": benchmark,
                "backend": backend,
                "subject": subject,
                "from_events": small.events,
                "to_events": large.events,
                "median_ratio": large.median / small.median,
                "p99_ratio": large.p99 / small.p99 if large.p99 and small.p99 else None,
            }
        )
    return ratios


def calibration_ms() -> float:
    """How fast this machine's Python is right now: the median of 5 runs of a fixed loop.

    On a shared machine the same code runs 2-3x slower at busy times; this figure, written
    next to the others, says which kind of moment they were measured in.
    """
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        sum(i * i for i in range(300_000))
        runs.append((time.perf_counter() - started) * 1000)
    return sorted(runs)[2]


def git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
            check=False,
        )
    except OSError:
        return None
    return done.stdout.strip() or None


def postgres_version(url: str) -> str | None:
    from sqlalchemy import create_engine, text

    from bench.dataset import server_url

    engine = create_engine(server_url(url), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar_one())
    except Exception:
        return None
    finally:
        engine.dispose()


def report(
    bench: Run,
    measurements: list[Measurement],
    failures: dict[str, str],
    seconds: float,
    calibration: tuple[float, float],
) -> dict[str, Any]:
    options = bench.options
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "argv": sys.argv[1:],
        "seconds": round(seconds, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "calibration_ms_before": round(calibration[0], 1),
            "calibration_ms_after": round(calibration[1], 1),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "postgres": postgres_version(options.postgres_url)
            if "postgres" in bench.backends()
            else None,
        },
        "options": {
            "quick": options.quick,
            "backends": list(options.backends),
            "sizes": list(options.sizes),
            "calls": options.calls,
            "startup_runs": options.startup_runs,
            "memory_commands": options.memory_commands,
            "profile": options.profile,
        },
        "dataset": {"version": DATASET_VERSION, "seed": SEED, "anchor": ANCHOR.isoformat()},
        "datasets": [
            {
                "backend": d.backend,
                "rows": d.shape.as_dict(),
                "built": d.built,
                "build_seconds": round(d.build_seconds, 2),
            }
            for d in bench.datasets.values()
        ],
        "skipped": bench.skipped,
        "failures": failures,
        "measurements": [m.as_dict() for m in measurements],
        "scaling": scaling(measurements),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    options = options_from(args)
    benchmarks = chosen(args.only)
    bench = Run(options)
    calibration_before = calibration_ms()
    started = time.perf_counter()
    measurements: list[Measurement] = []
    failures: dict[str, str] = {}
    for benchmark in benchmarks:
        try:
            measurements.extend(benchmark.run(bench))
        except Exception as error:
            failures[benchmark.name] = f"{type(error).__name__}: {error}"
            bench.log(f"{benchmark.name}: FAILED: {failures[benchmark.name]}")
    elapsed = time.perf_counter() - started
    calibration = (calibration_before, calibration_ms())
    summary = report(bench, measurements, failures, elapsed, calibration)

    print(
        f"coalition-bot benchmarks ({os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"calibration loop {calibration[0]:.0f}/{calibration[1]:.0f} ms before/after)"
    )
    print(table(HEADER, [row(m) for m in measurements]))
    ratios = summary["scaling"]
    if ratios:
        print()
        print(
            table(
                ("scaling", "backend", "what", "events", "median ×", "p99 ×"),
                [
                    (
                        r["benchmark"],
                        r["backend"],
                        r["subject"],
                        f"{r['to_events']:,} / {r['from_events']:,}",
                        f"{r['median_ratio']:.2f}",
                        f"{r['p99_ratio']:.2f}" if r["p99_ratio"] is not None else "—",
                    )
                    for r in ratios
                ],
            )
        )
    for backend, reason in bench.skipped.items():
        print(f"skipped {backend}: {reason}")
    for name, reason in failures.items():
        print(f"failed {name}: {reason}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"figures written to {args.json} ({elapsed:.0f} s)")
    if failures:
        return 1
    if args.strict and any(m.ok is False for m in measurements):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
