"""How fast `openness extract` is, as a ratio to merely reading the same cards and YAML-parsing their front matter.

    .venv/bin/python benchmarks/extract_speed.py [--cards 20000 | --cards DIR] [--seed 1] [--format folder|parquet]
                                                  [--repeat 3] [--workdir DIR]

With --cards N (default 20,000), generates a synthetic world of fictional models (pipeline.hub.synth.generate_world)
and writes the README of each model as a corpus (a folder of `org__name.md` files, or a Parquet dump in the
librarian-bots layout); with --cards DIR, reads the cards of any corpus `openness extract` reads (such as a folder
of `*_README.md` files in subfolders) in place. Then, in the same run and over the same corpus, it times
  (a) reading every card and loading its front matter with PyYAML (libyaml's CSafeLoader when available), in one
      process,
  (b) `openness extract` (reading, extracting, writing facts and evidence Parquet), with its default number of
      workers and with --workers 1,
and prints cards/s for each, the ratio b/a, and the peak memory of (b): the RSS of this process and its worker
processes, summed, sampled from /proc (and their PSS, which counts the pages forked workers share once). Each is
run --repeat times, interleaved; the best run counts. The timed runs are not watched: reading /proc/PID/smaps_rollup
costs about a millisecond per process, and sampled every 50 ms it took some 4% of the CPU that `--workers 2` needs
on two cores. The memory comes from one more run of each (b), watched. Timings are printed, never asserted: they belong to this
machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.cli import default_extract_workers  # noqa: E402
from pipeline.cli import main as openness  # noqa: E402
from pipeline.corpus import read_corpus  # noqa: E402
from pipeline.extract.card import YAML_BLOCK  # noqa: E402
from pipeline.hub.synth import generate_world  # noqa: E402
from pipeline.hub.world import World  # noqa: E402

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
README_SHARE = 0.8  # synthetic repos with a README are about 88%; generate enough models for --cards READMEs
MEMORY_SAMPLE_SECONDS = 0.05


def synthetic_readmes(workdir: Path, cards: int, seed: int) -> list[dict]:
    """Rows in the librarian-bots layout (card = README text) for the first `cards` models that have a README."""
    world_dir = workdir / "world"
    generate_world(world_dir, models=int(cards / README_SHARE) + 100, days=1, seed=seed)
    world = World(world_dir)
    rows = []
    for repo in world.state(world.dates[0]).iter_rows(named=True):
        readme = next((f["blob_id"] for f in repo["files"] if f["path"] == "README.md"), None)
        if readme is None:
            continue
        rows.append({
            "modelId": repo["repo_id"], "author": repo["author"], "last_modified": repo["commit_date"],
            "downloads": repo["downloads"], "likes": repo["likes"], "library_name": repo["library_name"],
            "tags": repo["tags"], "pipeline_tag": repo["pipeline_tag"], "createdAt": repo["created_at"],
            "card": world.blob(readme).decode("utf-8"),
        })
        if len(rows) == cards:
            break
    if len(rows) < cards:
        raise SystemExit(f"the synthetic world holds only {len(rows)} READMEs")
    return rows


def write_corpus(rows: list[dict], workdir: Path, kind: str) -> Path:
    if kind == "parquet":
        path = workdir / "cards.parquet"
        pq.write_table(pa.Table.from_pylist(rows), path, compression="zstd")
        return path
    folder = workdir / "cards"
    folder.mkdir(exist_ok=True)
    for row in rows:
        (folder / (row["modelId"].replace("/", "__") + ".md")).write_text(row["card"], encoding="utf-8")
    return folder


def card_bytes(source: Path) -> tuple[int, int]:
    """How many cards the corpus holds and their bytes of README text; reading them also warms the page cache,
    so that no measurement pays for the disk."""
    count = size = 0
    for model in read_corpus(source):
        count += 1
        size += len(model.readme.encode() if isinstance(model.readme, str) else model.readme or b"")
    return count, size


def read_and_parse(source: Path) -> tuple[int, float]:
    """(a): the same corpus reader as `openness extract`, then the front matter split and yaml-loaded."""
    started = time.perf_counter()
    count = 0
    for model in read_corpus(source):
        text = model.readme if isinstance(model.readme, str) else (model.readme or b"").decode("utf-8", "replace")
        match = YAML_BLOCK.search(text)
        if match:
            with contextlib.suppress(yaml.YAMLError):
                yaml.load(match.group(2), Loader=LOADER)  # noqa: S506 - a safe loader
        count += 1
    return count, time.perf_counter() - started


class PeakMemory:
    """The peak, while in the `with` block, of the RSS and of the PSS (kB) of this process and its children,
    summed, and the RSS when it began: /proc/PID/smaps_rollup read every MEMORY_SAMPLE_SECONDS by a thread.
    Linux only (elsewhere they stay 0)."""

    def __init__(self) -> None:
        self.rss = self.pss = self.processes = 0
        self.before: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            totals = {"Rss:": 0, "Pss:": 0}
            pids = [os.getpid(), *children()]
            for pid in pids:
                with contextlib.suppress(OSError):  # a worker that has just exited
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        key, _, value = line.partition(" ")
                        if key in totals:
                            totals[key] += int(value.split()[0])
            if self.before is None:
                self.before = totals["Rss:"]
            if totals["Rss:"] > self.rss:
                self.rss, self.pss, self.processes = totals["Rss:"], totals["Pss:"], len(pids)
            if self._stop.wait(MEMORY_SAMPLE_SECONDS):
                return


def children() -> list[int]:
    """The child processes of this one (any of its threads may have started them)."""
    pids = []
    for task in Path("/proc/self/task").glob("*"):
        with contextlib.suppress(OSError):  # a thread that has just ended
            pids += [int(pid) for pid in (task / "children").read_text().split()]
    return pids


class ExtractRun(NamedTuple):
    summary: str  # the line `openness extract` printed
    seconds: float
    memory: PeakMemory


def run_extract(source: Path, out: Path, workers: int, *, watched: bool = False) -> ExtractRun:
    """(b): the `openness extract` command itself, run from this process (its workers are children of it); its peak
    memory when `watched` (otherwise the PeakMemory stays empty)."""
    stdout = io.StringIO()
    memory = PeakMemory()
    with memory if watched else contextlib.nullcontext():
        started = time.perf_counter()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):  # no progress lines
            code = openness(["extract", str(source), "--out", str(out), "--workers", str(workers)])
        seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"openness extract failed with exit status {code}")
    return ExtractRun(stdout.getvalue().strip(), seconds, memory)


def cards_option(value: str) -> int | Path:
    """A number of synthetic cards, or a corpus to read in place."""
    if value.isdigit():
        return int(value)
    if not Path(value).exists():
        raise argparse.ArgumentTypeError(f"neither a number of cards nor an existing folder or file: {value}")
    return Path(value)


def prepare_corpus(args: argparse.Namespace, workdir: Path) -> tuple[Path, str]:
    """The corpus to measure, and what it is."""
    if isinstance(args.cards, Path):
        return args.cards, f"cards read in place from {args.cards}"
    rows = synthetic_readmes(workdir, args.cards, args.seed)
    return write_corpus(rows, workdir, args.format), f"synthetic cards as a {args.format}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=cards_option, default=20_000,
                        help="synthetic cards to generate (default 20,000), or a corpus to read (folder, dump)")
    parser.add_argument("--seed", type=int, default=1, help="synthetic world seed")
    parser.add_argument("--format", choices=["folder", "parquet"], default="folder", help="synthetic corpus layout")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="keep the world, corpus and outputs here (default: a temp dir)")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="extract-speed-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        source, kind = prepare_corpus(args, workdir)
        cards, size = card_bytes(source)
        if not cards:
            raise SystemExit(f"{source} holds no cards")
        print(f"corpus: {cards:,} {kind} ({size / 1e6:.1f} MB of README text, mean {size / cards:,.0f} bytes), "
              f"ready in {time.perf_counter() - started:.1f} s")
        print(f"YAML loader: {LOADER.__name__}" + (" (libyaml)" if LOADER.__name__.startswith("C") else
                                                    " (pure Python: libyaml is not available)"))
        default = default_extract_workers()
        print(f"machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs; "
              f"openness extract's default: --workers {default}")

        parse_times: list[float] = []
        extract_runs: dict[int, list[ExtractRun]] = {workers: [] for workers in dict.fromkeys([default, 1])}
        for _ in range(args.repeat):
            count, seconds = read_and_parse(source)
            parse_times.append(seconds)
            for workers, runs in extract_runs.items():
                runs.append(run_extract(source, workdir / "facts.parquet", workers))
        peaks = {workers: run_extract(source, workdir / "facts.parquet", workers, watched=True).memory
                 for workers in extract_runs}

        parse = min(parse_times)
        print(f"{'(a) read + YAML front matter, 1 process':41} {count:,} cards in {parse:6.2f} s = "
              f"{count / parse:7,.0f} cards/s")
        for workers, runs in extract_runs.items():
            seconds = min(run.seconds for run in runs)
            memory = peaks[workers]
            print(f"{f'(b) openness extract --workers {workers}':41} {count:,} cards in {seconds:6.2f} s = "
                  f"{count / seconds:7,.0f} cards/s   (b)/(a) = {seconds / parse:.2f}x   peak memory "
                  f"{memory.rss / 1024:,.0f} MB RSS ({memory.pss / 1024:,.0f} MB PSS) summed over "
                  f"{memory.processes} process(es), {memory.before / 1024:,.0f} MB before (a separate, watched run)")
        print(f"best of {args.repeat}; all runs: a = {', '.join(f'{t:.2f}' for t in parse_times)} s" + "".join(
            f"; b --workers {workers} = {', '.join(f'{run.seconds:.2f}' for run in runs)} s"
            for workers, runs in extract_runs.items()))
        best = min(extract_runs[default], key=lambda run: run.seconds)
        print(f"openness extract said (best run, --workers {default}): {best.summary}")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
