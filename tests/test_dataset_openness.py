"""Named Hub datasets are looked up on the (replay) Hub for their own license, once, then carried forward."""

import duckdb

from pipeline.defs.resources import HubResource
from pipeline.hub.replay import ReplayHub
from pipeline.hub.world import Revision, World, WorldWriter
from pipeline.runner import run_snapshot

DAY_1, DAY_2 = "2026-02-01", "2026-02-02"
CARD = """---
license: apache-2.0
datasets:
- testorg/open-data
- testorg/nc-data
- testorg/missing-data
---
# A model

## Training data
Trained on the three datasets above.
"""


def build_world(folder):
    with WorldWriter(folder, kind="test", description="a model naming three datasets", dates=[DAY_1, DAY_2]) as w:
        readme = w.add_file("README.md", CARD.encode())
        w.add_revision(Revision(
            hub_id="a" * 24, repo_id="testorg/model", commit_sha="1" * 40, commit_date="2026-01-01T00:00:00.000Z",
            commit_title="initial commit", files=[readme],
            info={"downloads": 5, "likes": 1, "tags": ["license:apache-2.0"],
                  "cardData": {"license": "apache-2.0",
                               "datasets": ["testorg/open-data", "testorg/nc-data", "testorg/missing-data"]}},
        ))
        for n, (dataset, license_id) in enumerate([("testorg/open-data", "cc-by-4.0"), ("testorg/nc-data", "cc-by-nc-4.0")]):
            w.add_revision(Revision(
                hub_id=f"{n + 1:024x}", repo_id=dataset, commit_sha=f"{n + 2:040x}",
                commit_date="2025-12-01T00:00:00.000Z", commit_title="initial commit", repo_type="dataset",
                info={"tags": [f"license:{license_id}"], "cardData": {"license": license_id}},
            ))
    return World(folder)


def test_named_datasets_carry_their_own_license_and_are_looked_up_once(tmp_path):
    world = build_world(tmp_path / "world")
    home = tmp_path / "home"
    with ReplayHub(world) as hub:
        resource = HubResource(endpoint=hub.url, limit=None, backoff_base_seconds=0.01, max_attempts=2)
        assert run_snapshot(DAY_1, home=home, hub=resource).published
        first = hub.stats_snapshot()["dataset_info"]
        hub.reset_stats()
        assert run_snapshot(DAY_2, home=home, hub=resource).published
        second = hub.stats_snapshot()["dataset_info"]
    assert (first, second) == (3, 0)
    with duckdb.connect(str(home / "observatory.duckdb"), read_only=True) as conn:
        datasets = conn.execute(
            "SELECT dataset_id, status, license_id, open FROM datasets_raw WHERE snapshot_date = ? ORDER BY 1", [DAY_1]
        ).fetchall()
        carried = conn.execute(
            "SELECT dataset_id, status FROM datasets_raw WHERE snapshot_date = ? ORDER BY 1", [DAY_2]
        ).fetchall()
        named = conn.execute(
            "SELECT d.hub_id, d.license, d.open FROM model_facts, unnest(datasets) AS t(d) WHERE snapshot_date = ? "
            "ORDER BY 1", [DAY_2]
        ).fetchall()
        evidence = conn.execute(
            "SELECT location FROM evidence WHERE source_kind = 'dataset_metadata' AND snapshot_date = ? ORDER BY 1",
            [DAY_1],
        ).fetchall()
        run = conn.execute("SELECT datasets_fetched, datasets_carried FROM crawl_runs ORDER BY snapshot_date").fetchall()
    assert datasets == [
        ("testorg/missing-data", "not_found", None, None),
        ("testorg/nc-data", "fetched", "cc-by-nc-4.0", False),
        ("testorg/open-data", "fetched", "cc-by-4.0", True),
    ]
    assert carried == [("testorg/missing-data", "not_found"), ("testorg/nc-data", "carried"),
                       ("testorg/open-data", "carried")]
    assert named == [
        ("testorg/missing-data", None, None),
        ("testorg/nc-data", "cc-by-nc-4.0", False),
        ("testorg/open-data", "cc-by-4.0", True),
    ]
    assert evidence == [("datasets/testorg/nc-data",), ("datasets/testorg/open-data",)]
    assert run == [(3, 0), (0, 3)]
