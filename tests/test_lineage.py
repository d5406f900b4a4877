"""Lineage on hand-built snapshots: chains, lists of bases, missing bases, cycles, depth cap, inherited grades."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.openness.lineage import (
    INHERITED_DIMENSIONS,
    inherit_grades,
    less_open,
    missing_bases,
    resolve_lineage,
)

HUB_DATASET = [{"name": "o/data", "hub_id": "o/data", "source": "card_metadata", "license": "cc-by-4.0", "open": True}]
NAMED_DATASET = [{"name": "The Pile", "hub_id": None, "source": "readme", "license": None, "open": None}]


def model(repo_id: str, *bases: str, datasets=None, has_card: bool = True) -> dict:
    return {"hub_id": f"id-{repo_id.lower()}", "repo_id": repo_id, "base_models": list(bases),
            "datasets": datasets or [], "data_disclosure": "named" if datasets else "none", "has_card": has_card}


def facts(*models: dict) -> pl.DataFrame:
    return pl.DataFrame(list(models), schema={
        "hub_id": pl.String, "repo_id": pl.String, "base_models": pl.List(pl.String),
        "datasets": pl.List(pl.Struct({"name": pl.String, "hub_id": pl.String, "source": pl.String,
                                       "license": pl.String, "open": pl.Boolean})),
        "data_disclosure": pl.String, "has_card": pl.Boolean,
    })


def by_repo(lineage: pl.DataFrame) -> dict[str, dict]:
    return {row["repo_id"]: row for row in lineage.to_dicts()}


def test_a_model_without_base_is_its_own_root():
    row = by_repo(resolve_lineage(facts(model("org/base"))))["org/base"]
    assert (row["lineage_status"], row["depth"], row["base_chain"], row["root_base"]) == ("own", 0, [], None)


def test_chains_resolve_to_the_root_case_insensitively():
    lineage = by_repo(resolve_lineage(facts(
        model("org/base"), model("org/tuned", "ORG/Base"), model("other/quant", "org/TUNED"),
    )))
    quant = lineage["other/quant"]
    assert quant["lineage_status"] == "resolved"
    assert quant["base_chain"] == ["org/tuned", "org/base"]  # repo ids as the snapshot spells them, nearest first
    assert quant["base_chain_hub_ids"] == ["id-org/tuned", "id-org/base"]
    assert (quant["root_base"], quant["root_base_hub_id"], quant["depth"]) == ("org/base", "id-org/base", 2)
    assert lineage["org/tuned"]["depth"] == 1


def test_a_base_written_as_a_hub_id_or_an_old_name_resolves():
    snapshot = facts(model("org/base"), model("a/by-hub-id", "id-org/base"), model("b/by-old-name", "base"))
    lineage = by_repo(resolve_lineage(snapshot, aliases={"base": "id-org/base"}))
    assert lineage["a/by-hub-id"]["root_base"] == "org/base"
    assert lineage["b/by-old-name"]["root_base"] == "org/base"


def test_a_list_of_bases_follows_the_first_one_in_the_snapshot():
    lineage = by_repo(resolve_lineage(facts(
        model("org/second"), model("org/third"), model("x/merge", "gone/first", "org/second", "org/third"),
    )))
    assert lineage["x/merge"]["declared_bases"] == ["gone/first", "org/second", "org/third"]
    assert (lineage["x/merge"]["lineage_status"], lineage["x/merge"]["root_base"]) == ("resolved", "org/second")


def test_a_base_outside_the_snapshot_is_missing_even_further_up_the_chain():
    lineage = resolve_lineage(facts(model("org/tuned", "gone/base"), model("x/quant", "org/tuned")))
    rows = by_repo(lineage)
    assert rows["org/tuned"]["lineage_status"] == "missing_base"
    assert rows["org/tuned"]["unresolved_base"] == "gone/base"
    assert (rows["org/tuned"]["base_chain"], rows["org/tuned"]["root_base"]) == ([], None)
    quant = rows["x/quant"]
    assert (quant["lineage_status"], quant["base_chain"], quant["root_base"]) == ("missing_base", ["org/tuned"], None)
    assert quant["unresolved_base"] == "gone/base"
    assert missing_bases(lineage) == ["gone/base"]  # what a live crawl should fetch, once


def test_cycles_and_self_references_stop():
    lineage = by_repo(resolve_lineage(facts(
        model("a/a", "b/b"), model("b/b", "a/a"), model("c/c", "a/a"), model("self/ref", "SELF/ref"),
    )))
    assert lineage["a/a"]["lineage_status"] == "cycle" and lineage["a/a"]["base_chain"] == ["b/b"]
    assert lineage["b/b"]["lineage_status"] == "cycle"
    assert lineage["c/c"]["lineage_status"] == "cycle" and lineage["c/c"]["base_chain"] == ["a/a", "b/b"]
    assert lineage["self/ref"]["lineage_status"] == "cycle" and lineage["self/ref"]["depth"] == 0
    assert all(row["root_base"] is None for row in lineage.values())


def test_chains_longer_than_the_cap_are_too_deep():
    chain = [model("m/0")] + [model(f"m/{i}", f"m/{i - 1}") for i in range(1, 8)]
    lineage = by_repo(resolve_lineage(facts(*chain), max_depth=5))
    assert (lineage["m/5"]["lineage_status"], lineage["m/5"]["depth"]) == ("resolved", 5)
    assert (lineage["m/6"]["lineage_status"], lineage["m/6"]["depth"], lineage["m/6"]["root_base"]) == (
        "too_deep", 5, None)


def test_card_training_data_ignores_the_derivative_cap():
    lineage = by_repo(resolve_lineage(facts(
        model("org/tuned", "org/base", datasets=HUB_DATASET), model("org/base", datasets=NAMED_DATASET),
        model("org/empty"), model("org/no-card", has_card=False),
    )))
    assert lineage["org/tuned"]["card_training_data"] == "open"
    assert lineage["org/base"]["card_training_data"] == "partial"
    assert lineage["org/empty"]["card_training_data"] == "closed"
    assert lineage["org/no-card"]["card_training_data"] == "unknown"


# ---- inherited grades ------------------------------------------------------------------------------


def grades(repo_id: str, training_data: str, **others: str) -> dict:
    row = {"hub_id": f"id-{repo_id.lower()}", "repo_id": repo_id, "weights": "open", "training_data": training_data}
    row.update({dim: "closed" for dim in INHERITED_DIMENSIONS if dim != "training_data"})
    row.update(others)
    return row


def inherited(snapshot: pl.DataFrame, rows: list[dict]) -> dict[str, dict]:
    return by_repo(inherit_grades(pl.DataFrame(rows), resolve_lineage(snapshot)))


def test_a_derivative_shows_its_root_bases_grades_beside_its_own():
    snapshot = facts(model("org/base", datasets=HUB_DATASET), model("org/tuned", "org/base", datasets=HUB_DATASET),
                     model("x/quant", "org/tuned"))
    rows = inherited(snapshot, [
        grades("org/base", "open", training_code="open", checkpoints="open", paper="open", license="open",
               data_composition="open"),
        grades("org/tuned", "partial", license="partial"),
        grades("x/quant", "closed"),
    ])
    tuned = rows["org/tuned"]
    assert (tuned["training_data"], tuned["license"]) == ("partial", "partial")  # own grades are kept as they are
    assert {dim: tuned[f"base_{dim}"] for dim in INHERITED_DIMENSIONS} == {dim: "open" for dim in INHERITED_DIMENSIONS}
    assert tuned["effective_training_data"] == "open"  # its card names Hub data, and so does its base
    quant = rows["x/quant"]
    assert (quant["root_base"], quant["base_training_code"]) == ("org/base", "open")
    assert quant["effective_training_data"] == "closed"  # its own card names no data
    assert rows["org/base"]["lineage_status"] == "own"
    assert rows["org/base"]["base_training_data"] is None
    assert rows["org/base"]["effective_training_data"] == "open"


def test_effective_data_is_the_less_open_of_card_and_base():
    snapshot = facts(model("org/closed-base"), model("org/named-base", datasets=NAMED_DATASET),
                     model("a/on-closed", "org/closed-base", datasets=HUB_DATASET),
                     model("b/on-named", "org/named-base", datasets=HUB_DATASET))
    rows = inherited(snapshot, [grades("org/closed-base", "closed"), grades("org/named-base", "partial"),
                                grades("a/on-closed", "partial"), grades("b/on-named", "partial")])
    assert rows["a/on-closed"]["effective_training_data"] == "closed"
    assert rows["b/on-named"]["effective_training_data"] == "partial"


@pytest.mark.parametrize("snapshot", [
    facts(model("org/tuned", "gone/base", datasets=HUB_DATASET)),
    facts(model("org/tuned", "org/tuned", datasets=HUB_DATASET)),
])
def test_effective_data_is_unknown_when_the_base_cannot_be_seen(snapshot):
    rows = inherited(snapshot, [grades("org/tuned", "partial")])
    assert rows["org/tuned"]["effective_training_data"] == "unknown"
    assert all(rows["org/tuned"][f"base_{dim}"] is None for dim in INHERITED_DIMENSIONS)


def test_effective_data_is_unknown_when_the_base_is_unknown():
    snapshot = facts(model("org/base", has_card=False), model("org/tuned", "org/base", datasets=HUB_DATASET))
    rows = inherited(snapshot, [grades("org/base", "unknown"), grades("org/tuned", "partial")])
    assert rows["org/tuned"]["effective_training_data"] == "unknown"


def test_less_open_orders_closed_partial_open():
    assert less_open("open", "partial") == "partial"
    assert less_open("closed", "open") == "closed"
    assert less_open("open", "open") == "open"
    assert less_open("unknown", "closed") == "unknown"
    assert less_open(None, "open") == "unknown"
