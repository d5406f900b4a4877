"""Lineage: follow each model's `base_models` to its root within one snapshot, and report what the base discloses.

Pure functions over polars frames of one snapshot date (no Hub access, no DuckDB):

* `resolve_lineage(facts)`: per model, the chain of bases found in the snapshot, the root base, the depth, and a
  `lineage_status` (own | resolved | missing_base | cycle | too_deep).
* `inherit_grades(openness, lineage)`: beside each model's own grades, its root base's grades (`base_<dim>`) and an
  `effective_training_data` that applies "a derivative cannot be more open about data than what it and its base
  disclose".
* `missing_bases(lineage)`: the base ids a live crawl should fetch to complete the chains.

The rules are documented in docs/rubric.md ("Lineage").
"""

from __future__ import annotations

from typing import Any

import polars as pl

from pipeline.openness.rubric import training_data_judgment
from pipeline.vocabulary import LineageStatus

MAX_DEPTH = 16
LINEAGE_STATUSES = tuple(status.value for status in LineageStatus)
# What a base model discloses that a derivative's own card does not (its pre-training data, code, checkpoints...).
INHERITED_DIMENSIONS = ("training_data", "data_composition", "training_code", "checkpoints", "paper", "license")
GRADE_ORDER = {"closed": 0, "partial": 1, "open": 2}  # `unknown` is not on the scale

LINEAGE_SCHEMA = {
    "hub_id": pl.String,
    "repo_id": pl.String,
    "declared_bases": pl.List(pl.String),
    "base_chain": pl.List(pl.String),
    "base_chain_hub_ids": pl.List(pl.String),
    "root_base": pl.String,
    "root_base_hub_id": pl.String,
    "depth": pl.Int32,
    "lineage_status": pl.String,
    "unresolved_base": pl.String,
    "card_training_data": pl.String,
}


def resolve_lineage(
    facts: pl.DataFrame, *, aliases: dict[str, str] | None = None, max_depth: int = MAX_DEPTH
) -> pl.DataFrame:
    """One row per model of `facts` (one snapshot) with its base chain resolved within the snapshot.

    A base id is resolved against the snapshot's `repo_id` (case-insensitive), its `hub_id` (a `_id` written as a
    base), or `aliases` (an old repo id -> hub_id, e.g. from renames). Of a list of bases, the first one that resolves
    is followed. Columns:

    * `declared_bases`: `base_models` as the card gives them.
    * `base_chain` / `base_chain_hub_ids`: the bases followed, nearest first (repo ids as in the snapshot).
    * `root_base` / `root_base_hub_id`: the end of the chain, only when `lineage_status = 'resolved'`.
    * `depth`: the number of bases followed (0 for a model without a base).
    * `lineage_status`: `own` (no base), `resolved` (the chain ends at a model without a base), `missing_base` (a
      model on the chain names bases of which none is in the snapshot), `cycle` (the chain comes back to a model
      already on it, self-references included), `too_deep` (more than `max_depth` bases).
    * `unresolved_base`: for `missing_base`, the first base id that could not be found.
    * `card_training_data`: the model's training_data graded from its own card as if it had no base (the rubric's
      rule without the derivative cap), which `inherit_grades` combines with the base's.
    """
    rows = facts.to_dicts()
    by_key = _lookup(rows, aliases or {})
    # The one base each model points to within the snapshot (None when it has none, or none resolves).
    next_base: dict[int, int | None] = {}
    first_missing: dict[int, str | None] = {}
    for index, row in enumerate(rows):
        bases = _bases(row)
        found = next((by_key[b.lower()] for b in bases if b.lower() in by_key), None)
        next_base[index] = found
        first_missing[index] = bases[0] if bases and found is None else None

    out = []
    for index, row in enumerate(rows):
        chain, status, missing = _walk(index, next_base, first_missing, rows, max_depth)
        root = rows[chain[-1]] if status == "resolved" else None
        out.append({
            "hub_id": row.get("hub_id"),
            "repo_id": row.get("repo_id"),
            "declared_bases": _bases(row),
            "base_chain": [rows[i].get("repo_id") for i in chain],
            "base_chain_hub_ids": [rows[i].get("hub_id") for i in chain],
            "root_base": root.get("repo_id") if root else None,
            "root_base_hub_id": root.get("hub_id") if root else None,
            "depth": len(chain),
            "lineage_status": status,
            "unresolved_base": missing,
            "card_training_data": card_training_data(row),
        })
    return pl.DataFrame(out, schema=LINEAGE_SCHEMA)


def card_training_data(facts: dict[str, Any]) -> str:
    """The rubric's training_data grade for what this card alone discloses, ignoring that it has a base."""
    return training_data_judgment({**facts, "base_models": []})[0]


def inherit_grades(openness: pl.DataFrame, lineage: pl.DataFrame) -> pl.DataFrame:
    """`openness` rows with lineage columns, the root base's grades as `base_<dim>`, and `effective_training_data`.

    `base_<dim>` is set only when the chain is resolved (the root is known). `effective_training_data`:
    * no base (`own`): the model's own `training_data`;
    * `resolved`: the less open of `card_training_data` (what its card discloses) and the root's `training_data`;
      `unknown` when either is unknown;
    * `missing_base`, `cycle`, `too_deep`: `unknown`, because the data the base was trained on cannot be seen.
    """
    lineage_columns = ["hub_id", "base_chain", "root_base", "root_base_hub_id", "depth", "lineage_status",
                       "card_training_data"]
    base_grades = openness.select(
        pl.col("hub_id").alias("root_base_hub_id"),
        *[pl.col(dim).alias(f"base_{dim}") for dim in INHERITED_DIMENSIONS],
    ).unique("root_base_hub_id", keep="first")
    joined = (
        openness.join(lineage.select(lineage_columns), on="hub_id", how="left")
        .join(base_grades, on="root_base_hub_id", how="left")
        .with_columns(pl.col("lineage_status").fill_null("own"), pl.col("depth").fill_null(0))
    )
    effective = [
        _effective_training_data(status, own, card, base)
        for status, own, card, base in zip(
            joined["lineage_status"], joined["training_data"], joined["card_training_data"],
            joined["base_training_data"],
        )
    ]
    return joined.with_columns(pl.Series("effective_training_data", effective, dtype=pl.String))


def missing_bases(lineage: pl.DataFrame) -> list[str]:
    """Base ids named in the snapshot but not in it: what a live crawl should fetch to complete the chains."""
    missing = lineage.filter(pl.col("lineage_status") == "missing_base")["unresolved_base"].drop_nulls()
    return list(dict.fromkeys(missing.to_list()))


def less_open(first: str | None, second: str | None) -> str:
    """The less open of two grades; `unknown` when either is not on the open/partial/closed scale."""
    if first not in GRADE_ORDER or second not in GRADE_ORDER:
        return "unknown"
    return first if GRADE_ORDER[first] <= GRADE_ORDER[second] else second


def _effective_training_data(status: str, own: str | None, card: str | None, base: str | None) -> str:
    if status == "own":
        return own or "unknown"
    if status == "resolved":
        return less_open(card, base)
    return "unknown"


def _bases(row: dict[str, Any]) -> list[str]:
    return [b.strip() for b in (row.get("base_models") or []) if isinstance(b, str) and b.strip()]


def _lookup(rows: list[dict[str, Any]], aliases: dict[str, str]) -> dict[str, int]:
    """Lower-cased repo id, hub id or alias -> row index. The first row wins if two share a key."""
    by_key: dict[str, int] = {}
    for index, row in enumerate(rows):
        for key in (row.get("repo_id"), row.get("hub_id")):
            if key:
                by_key.setdefault(key.lower(), index)
    for alias, hub_id in aliases.items():
        if hub_id and hub_id.lower() in by_key:
            by_key.setdefault(alias.lower(), by_key[hub_id.lower()])
    return by_key


def _walk(
    start: int, next_base: dict[int, int | None], first_missing: dict[int, str | None],
    rows: list[dict[str, Any]], max_depth: int,
) -> tuple[list[int], str, str | None]:
    """(chain of row indexes, status, first unresolved base id) from one model; never loops."""
    if not _bases(rows[start]):
        return [], "own", None
    chain: list[int] = []
    seen = {start}
    current = start
    while True:
        base = next_base[current]
        if base is None:
            if not _bases(rows[current]):
                return chain, "resolved", None
            return chain, "missing_base", first_missing[current]
        if base in seen:
            return chain, "cycle", None
        if len(chain) == max_depth:
            return chain, "too_deep", None
        chain.append(base)
        seen.add(base)
        current = base
