"""Where extraction time goes: per extractor, and per card family, over any folder of cards.

    .venv/bin/python benchmarks/extract_profile.py --cards DIR [--every N]

Reads every Nth card of DIR (default: every card) into memory, extracts each once to warm the caches, then
times a second pass in this process: the share of each extractor in pipeline.extract.facts.extract (the card
parse includes the front matter; lazily built parts of a card, such as its sentence breaks, are counted in
whichever extractor reads them first), and per card family the cards, the time, microseconds per card and
nanoseconds per character. `extract_speed.py` measures the whole command; this says which part to work on.
Timings are printed, never asserted: they belong to this machine.
"""

from __future__ import annotations

import argparse
import collections
import functools
import gc
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pipeline.extract.facts as facts  # noqa: E402
from pipeline.corpus import CardFile, read_corpus  # noqa: E402

# The steps of facts.extract, by the names it calls them under.
STEPS = ("parse_card", "identify_family", "extract_license", "extract_code_links", "pipeline_sources",
         "extract_datasets", "extract_checkpoints", "extract_base_model", "extract_papers")


def timed_steps(totals: dict[str, float]) -> Callable[[], None]:
    """Wraps each step of facts.extract to add its time to `totals`; returns the function that unwraps them."""
    originals = {name: getattr(facts, name) for name in STEPS}

    def timing(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(step)
        def timed(*args: Any) -> Any:
            start = time.perf_counter()
            try:
                return step(*args)
            finally:
                totals[name] += time.perf_counter() - start
        return timed

    def restore() -> None:
        for name, step in originals.items():
            setattr(facts, name, step)

    for name, step in originals.items():
        setattr(facts, name, timing(name, step))
    return restore


def profile(cards: list, totals: dict[str, float]) -> tuple[float, dict[str, list[float]]]:
    """The time of one pass over the cards, and per family [cards, seconds, characters]."""
    families: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0])
    started = time.perf_counter()
    for model in cards:
        start = time.perf_counter()
        extraction = facts.extract(model)
        extraction.row  # noqa: B018 - building the row is part of the cost
        family = families[str(extraction.facts.card.family)]
        family[0] += 1
        family[1] += time.perf_counter() - start
        family[2] += len(model.readme or "")
    return time.perf_counter() - started, families


def report(total: float, totals: dict[str, float], families: dict[str, list[float]]) -> str:
    cards = sum(int(f[0]) for f in families.values())
    lines = [f"{cards:,} cards extracted in {total:.2f} s ({1e6 * total / max(cards, 1):,.0f} us/card)", "",
             f"  {'step':22s} {'seconds':>8s} {'share':>6s}"]
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        lines.append(f"  {name:22s} {seconds:8.2f} {seconds / total:6.1%}")
    rest = total - sum(totals.values())
    lines += [f"  {'(the rest of extract)':22s} {rest:8.2f} {rest / total:6.1%}", "",
              f"  {'family':22s} {'cards':>6s} {'seconds':>8s} {'share':>6s} {'us/card':>8s} {'chars':>7s} {'ns/char':>8s}"]
    for name, (count, seconds, chars) in sorted(families.items(), key=lambda item: -item[1][1]):
        lines.append(f"  {name:22s} {int(count):6d} {seconds:8.2f} {seconds / total:6.1%} {1e6 * seconds / count:8.0f}"
                     f" {chars / count:7.0f} {1e9 * seconds / max(chars, 1):8.0f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=Path, required=True, help="a folder of cards, as `openness extract` reads")
    parser.add_argument("--every", type=int, default=1, help="read every Nth card only")
    args = parser.parse_args(argv)
    if not args.cards.is_dir():
        raise SystemExit(f"not a folder: {args.cards}")
    items = list(read_corpus(args.cards, defer_reading=True))[:: max(args.every, 1)]
    cards = [item.read() if isinstance(item, CardFile) else item for item in items]
    if not cards:
        raise SystemExit(f"no cards in {args.cards}")
    for model in cards:  # warm the memoised lookups, as a long run would have them
        facts.extract(model)
    totals: dict[str, float] = dict.fromkeys(STEPS, 0.0)
    restore = timed_steps(totals)
    gc.disable()  # collections would land in whichever step happened to allocate
    try:
        total, families = profile(cards, totals)
    finally:
        gc.enable()
        restore()
    print(report(total, totals, families))


if __name__ == "__main__":
    main()
