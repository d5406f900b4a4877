"""How fast `openness extract` is, as a ratio to merely reading the same cards and YAML-parsing their front matter.

    .venv/bin/python benchmarks/extract_speed.py [--cards 20000] [--seed 1] [--format folder|parquet]
                                                  [--repeat 3] [--workdir DIR]

Generates a synthetic world of fictional models (pipeline.hub.synth.generate_world), writes the README of each
model as a corpus (a folder of `org__name.md` files, or a Parquet dump in the librarian-bots layout), then, in
the same run and over the same corpus, times
  (a) reading every card and loading its front matter with PyYAML (libyaml's CSafeLoader when available),
  (b) `openness extract` (reading, extracting, writing facts and evidence Parquet),
and prints cards/s for both and the ratio b/a. Each is run --repeat times, interleaved; the best run counts.
Timings are printed, never asserted: they belong to this machine.
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
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.cli import main as openness  # noqa: E402
from pipeline.corpus import read_corpus  # noqa: E402
from pipeline.extract.card import YAML_BLOCK  # noqa: E402
from pipeline.hub.synth import generate_world  # noqa: E402
from pipeline.hub.world import World  # noqa: E402

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
README_SHARE = 0.8  # synthetic repos with a README are about 88%; generate enough models for --cards READMEs


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


def run_extract(source: Path, out: Path) -> tuple[str, float]:
    """(b): the `openness extract` command itself, in this process; returns its summary line and the time."""
    stdout = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):  # no progress lines
        code = openness(["extract", str(source), "--out", str(out)])
    seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"openness extract failed with exit status {code}")
    return stdout.getvalue().strip(), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=["folder", "parquet"], default="folder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="keep the world, corpus and outputs here (default: a temp dir)")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="extract-speed-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        rows = synthetic_readmes(workdir, args.cards, args.seed)
        source = write_corpus(rows, workdir, args.format)
        card_bytes = sum(len(row["card"].encode()) for row in rows)
        print(f"corpus: {len(rows):,} synthetic cards as a {args.format} ({card_bytes / 1e6:.1f} MB of README text, "
              f"mean {card_bytes / len(rows):,.0f} bytes), built in {time.perf_counter() - started:.1f} s")
        print(f"YAML loader: {LOADER.__name__}" + (" (libyaml)" if LOADER.__name__.startswith("C") else
                                                    " (pure Python: libyaml is not available)"))
        print(f"machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"one process")
        read_and_parse(source)  # warm the page cache so that neither measurement pays for the disk
        parse_times, extract_times = [], []
        for _ in range(args.repeat):
            count, seconds = read_and_parse(source)
            parse_times.append(seconds)
            summary, seconds = run_extract(source, workdir / "facts.parquet")
            extract_times.append(seconds)
        parse, extract = min(parse_times), min(extract_times)
        print(f"(a) read + YAML front matter: {count:,} cards in {parse:6.2f} s = {count / parse:10,.0f} cards/s")
        print(f"(b) openness extract:         {count:,} cards in {extract:6.2f} s = {count / extract:10,.0f} cards/s")
        print(f"ratio (b)/(a): {extract / parse:.1f}x   (best of {args.repeat}; all runs: a = "
              f"{', '.join(f'{t:.2f}' for t in parse_times)} s, b = {', '.join(f'{t:.2f}' for t in extract_times)} s)")
        print(f"openness extract said: {summary}")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
