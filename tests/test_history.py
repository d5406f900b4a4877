"""model_history and openness_changes on a small world whose repos change, move, vanish and come back.

Every date goes through the real pipeline (replay hub, client, checks, publish). The history must come out the
same whatever order the dates were crawled in, and re-running a date must not change it.
"""

import duckdb
import pytest

from pipeline.defs.resources import HubResource
from pipeline.hub.replay import ReplayHub
from pipeline.hub.world import Revision, World, WorldWriter
from pipeline.runner import run_snapshot

D1, D2, D3 = "2026-03-01", "2026-03-02", "2026-03-03"


def card(license_id: str) -> bytes:
    return f"---\nlicense: {license_id}\n---\n# Model\n\nA model card.\n".encode()


def build_world(folder):
    with WorldWriter(folder, kind="test", description="repos that change", dates=[D1, D2, D3]) as w:
        def revision(n, hub, repo, day, license_id="mit", gated=False, deleted=False):
            readme = w.add_file("README.md", card(license_id))
            w.add_revision(Revision(
                hub_id=hub * 24, repo_id=repo, commit_sha=f"{n:040x}", commit_date=f"{day}T08:00:00.000Z",
                commit_title="update", files=[readme], deleted=deleted,
                info={"downloads": 1, "likes": 0, "gated": gated, "tags": [f"license:{license_id}"],
                      "cardData": {"license": license_id}},
            ))

        revision(1, "a", "org/a", "2026-02-01")
        revision(2, "a", "org/a", D2, license_id="cc-by-nc-4.0")  # license tightened
        revision(3, "b", "org/b", "2026-02-01")
        revision(4, "b", "org/b2", D2)  # renamed, same hub id
        revision(5, "c", "org/c", "2026-02-01")
        revision(6, "c", "org/c", D2, deleted=True)  # gone on D2 ...
        revision(7, "c", "org/c", D3)  # ... back on D3
        revision(8, "d", "org/d", D2)  # new on D2
        revision(9, "e", "org/e", "2026-02-01")
        revision(10, "e", "org/e", D3, gated="manual")  # gated on D3
    return World(folder)


def crawl(world, home, dates):
    with ReplayHub(world) as hub:
        resource = HubResource(endpoint=f"{hub.url}/as-of/{{snapshot_date}}", limit=None, backoff_base_seconds=0.01)
        for day in dates:
            assert run_snapshot(day, home=home, hub=resource).published


def history(home):
    with duckdb.connect(str(home / "observatory.duckdb"), read_only=True) as conn:
        states = conn.execute(
            "SELECT repo_id, valid_from::VARCHAR, valid_to::VARCHAR, license_id, gated, snapshots "
            "FROM model_history ORDER BY hub_id, valid_from"
        ).fetchall()
        events = conn.execute(
            "SELECT change_date::VARCHAR, repo_id, change, before, after FROM openness_changes "
            "ORDER BY change_date, repo_id, change"
        ).fetchall()
    return states, events


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="module")
def in_order(world, tmp_path_factory):
    home = tmp_path_factory.mktemp("in-order")
    crawl(world, home, [D1, D2, D3])
    return home


def test_one_row_per_distinct_state(in_order):
    states, _ = history(in_order)
    assert states == [
        ("org/a", D1, D2, "mit", "no", 1),
        ("org/a", D2, None, "cc-by-nc-4.0", "no", 2),
        ("org/b", D1, D2, "mit", "no", 1),
        ("org/b2", D2, None, "mit", "no", 2),
        ("org/c", D1, D2, "mit", "no", 1),  # ends on the first date it was missing
        ("org/c", D3, None, "mit", "no", 1),
        ("org/d", D2, None, "mit", "no", 2),
        ("org/e", D1, D3, "mit", "no", 2),
        ("org/e", D3, None, "mit", "manual", 1),
    ]


def test_changes_are_events_keyed_by_hub_id(in_order):
    _, events = history(in_order)
    assert events == [
        (D2, "org/a", "class_changed", "open_weights_permissive", "open_weights_restricted"),
        (D2, "org/a", "license_changed", "mit", "cc-by-nc-4.0"),
        (D2, "org/b2", "renamed", "org/b", "org/b2"),
        (D2, "org/c", "disappeared", "org/c", None),
        (D2, "org/d", "appeared", None, "org/d"),
        (D3, "org/c", "appeared", None, "org/c"),
        (D3, "org/e", "became_gated", "no", "manual"),
        (D3, "org/e", "class_changed", "open_weights_permissive", "gated_or_closed"),
    ]


def test_rerunning_a_date_or_crawling_out_of_order_gives_the_same_history(world, in_order, tmp_path):
    expected = history(in_order)
    crawl(world, tmp_path, [D3, D1, D2])
    assert history(tmp_path) == expected
    crawl(world, tmp_path, [D2])
    assert history(tmp_path) == expected


def test_named_queries_answer_from_the_history(in_order, capsys):
    from pipeline.cli import main

    db = str(in_order / "observatory.duckdb")
    assert main(["query", "license_changes", "--db", db, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("change_date,repo_id,license_before,license_after")
    assert lines[1:] == [f"{D2},org/a,mit,cc-by-nc-4.0,crawl,{'a' * 24}"]

    assert main(["query", "model_timeline", "--db", db, "--param", "repo=org/b", "--format", "csv"]) == 0
    timeline = capsys.readouterr().out.strip().splitlines()[1:]
    assert [row.split(",")[3] for row in timeline] == ["org/b", "org/b2"]  # found by its old name

    assert main(["query", "class_shares", "--db", db, "--param", f"from={D3}", "--format", "csv"]) == 0
    shares = capsys.readouterr().out.strip().splitlines()[1:]
    assert shares == [
        f"{D3},gated_or_closed,1,0.2",  # org/e
        f"{D3},open_weights_permissive,3,0.6",  # org/b2, org/c, org/d
        f"{D3},open_weights_restricted,1,0.2",  # org/a, now non-commercial
    ]

    assert main(["query", "class_shares", "--db", db, "--param", "since=2026"]) == 2
    assert "has no parameter since" in capsys.readouterr().err


def test_analyst_views_agree_with_the_named_queries(in_order):
    with duckdb.connect(str(in_order / "observatory.duckdb"), read_only=True) as conn:
        latest = conn.execute("SELECT repo_id FROM latest_state ORDER BY repo_id").fetchall()
        shares = conn.execute(
            "SELECT openness_class, models FROM class_shares_by_date WHERE snapshot_date = ? ORDER BY 1", [D3]
        ).fetchall()
    assert [r for (r,) in latest] == ["org/a", "org/b2", "org/c", "org/d", "org/e"]
    assert shares == [("gated_or_closed", 1), ("open_weights_permissive", 3), ("open_weights_restricted", 1)]


def test_export_carries_the_history_as_parquet(in_order, tmp_path):
    from pipeline.publishing import export

    summary = export(in_order, tmp_path / "out")
    assert summary["history_tables"] == ["model_history", "openness_changes"]
    with duckdb.connect() as conn:
        events = conn.execute(
            "SELECT change_date::VARCHAR, repo_id, change, before, after FROM read_parquet(?) "
            "ORDER BY change_date, repo_id, change",
            [str(tmp_path / "out" / "history" / "openness_changes.parquet")],
        ).fetchall()
        states = conn.execute(
            "SELECT repo_id, valid_from::VARCHAR, valid_to::VARCHAR, license_id, gated, snapshots "
            "FROM read_parquet(?) ORDER BY hub_id, valid_from",
            [str(tmp_path / "out" / "history" / "model_history.parquet")],
        ).fetchall()
    assert (states, events) == history(in_order)
    assert len(events) == 8
