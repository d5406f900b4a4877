"""Re-deriving the stored dates under a new extractor and rubric: `openness reprocess` and the Dagster job
reprocess_snapshots. A new version changes our reading of a model, not the model: it must not show up as events.

A small world (six repos over five dates, with real changes: a license tightened, renames, an arrival, a gate) is
crawled on its first four dates and backfilled from git history under the current code. Then the next extractor is
simulated: new extractor and rubric versions, and a rule change (every linked code repository counts as training
code), which changes org/c's facts on every date. Reprocessing must make no Hub request and leave the history exactly
as a fresh crawl of the same world under the new code gives it.
"""

import contextlib
import io
import shutil
import socket
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipeline import backfill, snapshot
from pipeline.cli import main
from pipeline.defs.resources import HubResource, build_resources
from pipeline.extract import facts as extractor
from pipeline.hub.replay import ReplayHub
from pipeline.hub.world import Revision, World, WorldWriter
from pipeline.openness import rubric
from pipeline.runner import run_snapshot
from pipeline.store.files import Store

D1, D2, D3, D4, D5 = "2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"
CRAWLED = [D1, D2, D3, D4]  # D5 is crawled only where a test says so
OLD_EXTRACTOR, OLD_RUBRIC = extractor.EXTRACTOR_VERSION, rubric.RUBRIC_VERSION
NEW_EXTRACTOR, NEW_RUBRIC = "0.2.0-next", "2026.12-next"
# Publishing reads only stored files: this endpoint is never called.
NO_HUB = HubResource(endpoint="http://127.0.0.1:9/as-of/{snapshot_date}", limit=None)


def card(license_id: str, text: str = "A model card.") -> bytes:
    return f"---\nlicense: {license_id}\n---\n# Model\n\n{text}\n".encode()


F_SECOND_DAY = card("mit", "A model card, edited on the second day.")  # org/f's README on D2 only


def build_world(folder: Path) -> World:
    with WorldWriter(folder, kind="test", description="repos read by two extractor versions",
                     dates=[*CRAWLED, D5]) as w:
        def revision(n, hub, repo, day, license_id="mit", readme=None, gated=False):
            w.add_revision(Revision(
                hub_id=hub * 24, repo_id=repo, commit_sha=f"{n:040x}", commit_date=f"{day}T08:00:00.000Z",
                commit_title="update", files=[w.add_file("README.md", readme or card(license_id))],
                info={"downloads": 1, "likes": 0, "gated": gated, "tags": [f"license:{license_id}"],
                      "cardData": {"license": license_id}},
            ))

        revision(1, "a", "org/a", "2026-02-01")
        revision(2, "a", "org/a", D3, license_id="cc-by-nc-4.0")  # license tightened
        revision(3, "b", "org/b", "2026-02-01")
        revision(4, "b", "org/b2", D2)  # renamed
        revision(5, "b", "org/b3", D5)  # renamed again
        code = card("apache-2.0", "A model card. The code is at https://github.com/org/c-code.")
        revision(6, "c", "org/c", "2026-02-01", license_id="apache-2.0", readme=code)  # the new rule reads it
        revision(7, "d", "org/d", D2)  # new on D2
        revision(8, "e", "org/e", "2026-02-01")
        revision(9, "e", "org/e", D4, gated="manual")  # gated
        revision(10, "f", "org/f", "2026-02-01")
        revision(11, "f", "org/f", D2, readme=F_SECOND_DAY)  # the card edited, no fact changed
        revision(12, "f", "org/f", D3, readme=card("mit", "A model card, edited again."))
        revision(13, "f", "org/f", D5, license_id="apache-2.0")  # license changed on the last day
    return World(folder)


@contextlib.contextmanager
def next_extractor():
    """The next extractor and rubric versions; the extractor's new rule: any linked code repository is training code."""
    read = snapshot.extract

    def extract(model):
        found = read(model)
        found.row["training_code"] = bool(found.row["code_links"])
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(extractor, "EXTRACTOR_VERSION", NEW_EXTRACTOR)
        patch.setattr(rubric, "RUBRIC_VERSION", NEW_RUBRIC)
        patch.setattr(snapshot, "extract", extract)
        patch.setattr(backfill, "extract", extract)
        yield


@contextlib.contextmanager
def no_network():
    """Any attempt to open a connection (to the replay hub, the Hub or anywhere) is recorded and refused."""
    attempts = []

    def refuse(sock, address, *args):
        attempts.append(address)
        raise OSError(f"no network while reprocessing: {address}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        yield attempts


def crawl(world: World, home: Path, dates: list[str], *, backfill_repos: bool = False) -> list:
    with ReplayHub(world) as hub:
        resource = HubResource(endpoint=f"{hub.url}/as-of/{{snapshot_date}}", limit=None, backoff_base_seconds=0.01)
        outcomes = [run_snapshot(day, home=home, hub=resource) for day in dates]
        assert all(o.published for o in outcomes), outcomes
        if backfill_repos:
            with contextlib.redirect_stdout(io.StringIO()):
                assert main(["backfill", "--scope", "--home", str(home), "--endpoint", f"{hub.url}/as-of/{dates[-1]}"]) == 0
    return outcomes


def copy_home(source: Path, target: Path) -> Path:
    return shutil.copytree(source, target, ignore=shutil.ignore_patterns("hf-cache"))


def reprocess_cli(home: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["reprocess", "--home", str(home), *args])
    return code, out.getvalue(), err.getvalue()


def query(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(home / "observatory.duckdb"), read_only=True) as conn:  # the released file
        return conn.execute(sql, params or []).fetchall()


def history(home: Path) -> tuple[list[tuple], list[tuple]]:
    return (query(home, "SELECT * FROM model_history ORDER BY hub_id, valid_from"),
            query(home, "SELECT * FROM openness_changes ORDER BY ALL"))


def events(home: Path) -> list[tuple]:
    return query(home, "SELECT change_date::VARCHAR, repo_id, change, before, after, source FROM openness_changes "
                       "ORDER BY change_date, repo_id, change")


# The world's real changes, as the history tells them under either extractor. The backfill gives org/b's states
# today's id (org/b2) and org/e's today's gate, so the first crawl's view of them differs: boundary events.
REAL_EVENTS = [
    ("2026-02-01", "org/a", "appeared", None, "org/a", "backfill"),
    ("2026-02-01", "org/b2", "appeared", None, "org/b2", "backfill"),
    ("2026-02-01", "org/c", "appeared", None, "org/c", "backfill"),
    ("2026-02-01", "org/e", "appeared", None, "org/e", "backfill"),
    ("2026-02-01", "org/f", "appeared", None, "org/f", "backfill"),
    (D1, "org/b", "renamed", "org/b2", "org/b", "boundary"),
    (D1, "org/e", "became_ungated", "manual", "no", "boundary"),
    (D1, "org/e", "class_changed", "gated_or_closed", "open_weights_permissive", "boundary"),
    (D2, "org/b2", "renamed", "org/b", "org/b2", "crawl"),
    (D2, "org/d", "appeared", None, "org/d", "crawl"),
    (D3, "org/a", "class_changed", "open_weights_permissive", "open_weights_restricted", "crawl"),
    (D3, "org/a", "license_changed", "mit", "cc-by-nc-4.0", "crawl"),
    (D4, "org/e", "became_gated", "no", "manual", "crawl"),
    (D4, "org/e", "class_changed", "open_weights_permissive", "gated_or_closed", "crawl"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return build_world(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="module")
def crawled(world, tmp_path_factory) -> Path:
    """Four dates crawled and every repo backfilled under the current extractor (copy it before changing it)."""
    home = tmp_path_factory.mktemp("crawled") / "home"
    crawl(world, home, CRAWLED, backfill_repos=True)
    return home


@pytest.fixture(scope="module")
def fresh(world, tmp_path_factory) -> Path:
    """The same crawl and backfill, under the next extractor from the start."""
    home = tmp_path_factory.mktemp("fresh") / "home"
    with next_extractor():
        crawl(world, home, CRAWLED, backfill_repos=True)
    return home


@pytest.fixture(scope="module")
def reprocessed(world, crawled, tmp_path_factory) -> dict:
    """The crawled home reprocessed under the next extractor, while the replay hub serves and no connection can be
    opened."""
    home = copy_home(crawled, tmp_path_factory.mktemp("reprocessed") / "home")
    before = history(home)
    with ReplayHub(world) as hub, next_extractor(), no_network() as attempts:
        hub.reset_stats()
        code, out, err = reprocess_cli(home)
        served = hub.stats_snapshot()["total"]
    return {"home": home, "code": code, "out": out, "err": err, "served": served, "attempts": attempts,
            "before": before}


def test_the_crawled_history_has_the_real_changes(crawled):
    assert events(crawled) == REAL_EVENTS
    assert query(crawled, "SELECT DISTINCT extractor_version, rubric_version FROM model_history") == [
        (OLD_EXTRACTOR, OLD_RUBRIC)
    ]


def test_reprocess_makes_no_hub_request_and_reports_every_date(reprocessed):
    assert reprocessed["served"] == 0 and reprocessed["attempts"] == []
    assert reprocessed["code"] == 0, reprocessed["err"]
    assert reprocessed["err"] == ""
    lines = reprocessed["out"].splitlines()
    assert lines[:4] == [
        f"[1/4] {D1}: 5 models re-derived",
        f"[2/4] {D2}: 6 models re-derived",
        f"[3/4] {D3}: 6 models re-derived",
        f"[4/4] {D4}: 6 models re-derived",
    ]
    assert lines[4].startswith("Re-derived 4 of 4 dates (23 models) in ") and lines[4].endswith("with no Hub request")
    rows, changes = len(reprocessed["before"][0]), len(reprocessed["before"][1])
    assert lines[5:] == [
        f"  extractor {OLD_EXTRACTOR} → {NEW_EXTRACTOR}; rubric {OLD_RUBRIC} → {NEW_RUBRIC}",
        "  backfilled states: 9 (9 re-derived)",
        f"  history: {rows} → {rows} rows, {changes} → {changes} events",
    ]


def test_every_row_carries_the_new_versions(reprocessed):
    home = reprocessed["home"]
    new = (NEW_EXTRACTOR, NEW_RUBRIC)
    assert query(home, "SELECT snapshot_date::VARCHAR, extractor_version, count(*) FROM model_facts GROUP BY ALL "
                       "ORDER BY 1") == [(D1, NEW_EXTRACTOR, 5), (D2, NEW_EXTRACTOR, 6), (D3, NEW_EXTRACTOR, 6),
                                         (D4, NEW_EXTRACTOR, 6)]
    assert query(home, "SELECT DISTINCT rubric_version, count(*) FROM openness GROUP BY ALL") == [(NEW_RUBRIC, 23)]
    for table in ("model_history", "backfill_states"):
        assert query(home, f"SELECT DISTINCT extractor_version, rubric_version FROM {table}") == [new], table
    with duckdb.connect() as conn:  # the researchers' Parquet and the backfilled states on disk
        for table, column, version in (("model_facts", "extractor_version", NEW_EXTRACTOR),
                                       ("openness", "rubric_version", NEW_RUBRIC)):
            files = str(home / "snapshots" / table / "*" / f"{table}.parquet")
            assert conn.execute(f"SELECT DISTINCT {column}, count(*) FROM read_parquet(?) GROUP BY 1",
                                [files]).fetchall() == [(version, 23)]
    states = backfill.read_backfill_states(Store.at(home))
    assert set(states.select("extractor_version", "rubric_version").iter_rows()) == {new} and states.height == 9
    # the rule change reached every date: org/c now has training code
    assert query(home, "SELECT count(*), bool_and(training_code) FROM model_facts WHERE repo_id = 'org/c'") == [(4, True)]


def test_history_equals_a_fresh_crawl_under_the_new_code(reprocessed, fresh):
    home = reprocessed["home"]
    assert history(home) == history(fresh)
    for table in ("model_facts", "evidence", "openness"):
        differ = f"SELECT * FROM {table} EXCEPT ALL SELECT * FROM fresh.{table}"
        with duckdb.connect(str(home / "observatory.duckdb"), read_only=True) as conn:
            conn.execute(f"ATTACH '{fresh / 'observatory.duckdb'}' AS fresh (READ_ONLY)")
            assert conn.execute(differ).fetchall() == [], table
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchall() == conn.execute(
                f"SELECT count(*) FROM fresh.{table}").fetchall()
    # the released file is the working copy, whole
    assert (home / "observatory.duckdb").read_bytes() == (home / "work" / "observatory.duckdb").read_bytes()


def test_the_version_change_is_no_event_and_the_real_changes_remain(reprocessed, crawled):
    home = reprocessed["home"]
    assert events(home) == events(crawled) == REAL_EVENTS
    # org/c's reading changed on every date, in the same way: its history is one row per state, with no event
    assert query(home, "SELECT valid_from::VARCHAR, has_training_code, training_code FROM model_history "
                       "WHERE hub_id = ? ORDER BY valid_from", ["c" * 24]) == [("2026-02-01", True, "open")]
    assert query(crawled, "SELECT DISTINCT has_training_code FROM model_history WHERE hub_id = ?", ["c" * 24]) == [
        (False,)]


def test_dates_missing_raw_inputs_are_reported_and_the_others_are_done(crawled, tmp_path):
    """D2 lacks one README text, D4's listing is unreadable: both are reported and keep what was published."""
    home = copy_home(crawled, tmp_path / "home")
    store = Store.at(home)
    gone = snapshot.content_hash(F_SECOND_DAY)
    cards = store.read("raw", "cards", D2)
    assert gone in cards["content_hash"].to_list()
    store.write("raw", "cards", D2, cards.filter(pl.col("content_hash") != gone))
    store.path("raw", "models_raw", D4).write_bytes(b"not a Parquet file")
    released = (home / "observatory.duckdb").read_bytes()

    with next_extractor(), no_network() as attempts:
        code, out, err = reprocess_cli(home)
    assert code == 1 and attempts == []
    missing = f"1 README text missing from raw/cards (sha256 {gone[:12]})"
    lines = out.splitlines()
    assert lines[:3] == [
        f"[1/4] {D1}: 5 models re-derived",
        f"[2/4] {D2}: NOT re-derived, keeps what was published: {missing}",
        f"[3/4] {D3}: 6 models re-derived",
    ]
    assert lines[3].startswith(f"[4/4] {D4}: NOT re-derived, keeps what was published: raw/models_raw cannot be "
                               "read (parquet: ")
    assert lines[4].startswith("Re-derived 2 of 4 dates (11 models)")
    assert f"openness: error: {D2} not re-derived: {missing}" in err
    assert f"openness: error: {D4} not re-derived: raw/models_raw cannot be read" in err
    assert "openness: warning: the history mixes extractor and rubric versions" in err
    assert f"{D2}: extractor {OLD_EXTRACTOR}, rubric {OLD_RUBRIC}" in err and "run `openness reprocess`" in err
    assert (home / "observatory.duckdb").read_bytes() != released  # the other dates were released
    assert query(home, "SELECT snapshot_date::VARCHAR, extractor_version, count(*) FROM model_facts GROUP BY ALL "
                       "ORDER BY 1") == [(D1, NEW_EXTRACTOR, 5), (D2, OLD_EXTRACTOR, 6), (D3, NEW_EXTRACTOR, 6),
                                         (D4, OLD_EXTRACTOR, 6)]
    for day, version in ((D2, OLD_EXTRACTOR), (D3, NEW_EXTRACTOR)):
        assert pl.read_parquet(store.path("snapshots", "model_facts", day))["extractor_version"].unique().to_list() == [
            version]
    # Every date's neighbour was read differently: the listing's events remain, the reading events wait for a full
    # reprocess
    assert events(home) == [e for e in REAL_EVENTS if e[0] not in (D3, D4) or e[2] == "became_gated"]


def test_dates_failing_their_checks_keep_what_was_published(crawled, tmp_path):
    """A faulty new rule (negative checkpoint files for org/d, which exists from D2 on) fails the model_facts suite,
    as it would block a crawl: those dates are reported and not republished."""
    home = copy_home(crawled, tmp_path / "home")
    with next_extractor(), pytest.MonkeyPatch.context() as patch:
        read = snapshot.extract

        def faulty(model):
            found = read(model)
            if model.repo_id == "org/d":
                found.row["checkpoint_files"] = -1
            return found

        patch.setattr(snapshot, "extract", faulty)
        code, out, err = reprocess_cli(home)
    assert code == 1
    failed = "NOT re-derived, keeps what was published: check model_facts_expectations failed: " \
             "expect_column_values_to_be_between(checkpoint_files)"
    assert out.splitlines()[:4] == [f"[1/4] {D1}: 5 models re-derived", f"[2/4] {D2}: {failed}",
                                    f"[3/4] {D3}: {failed}", f"[4/4] {D4}: {failed}"]
    assert query(home, "SELECT snapshot_date::VARCHAR, extractor_version FROM model_facts GROUP BY ALL ORDER BY 1") == [
        (D1, NEW_EXTRACTOR), (D2, OLD_EXTRACTOR), (D3, OLD_EXTRACTOR), (D4, OLD_EXTRACTOR)]
    assert query(home, "SELECT min(checkpoint_files) FROM model_facts") == [(0,)]


def test_backfilled_states_whose_texts_are_missing_keep_their_reading(crawled, tmp_path):
    home = copy_home(crawled, tmp_path / "home")
    store = Store.at(home)
    store.backfill_file(backfill.TEXTS, "cards", "f" * 24).unlink()  # org/f: three README versions
    with next_extractor():
        assert backfill.rederive_states(store) == {"backfill_states_rederived": 6, "backfill_repos_kept": 1}
        assert backfill.rederive_states(store) == {"backfill_states_rederived": 0, "backfill_repos_kept": 1}
    states = backfill.read_backfill_states(store)
    versions = dict(states.group_by("hub_id").agg(pl.col("extractor_version").unique()).iter_rows())
    assert versions == {**{h * 24: [NEW_EXTRACTOR] for h in "abcde"}, "f" * 24: [OLD_EXTRACTOR]}


def test_a_new_version_beside_old_dates_warns_and_makes_no_reading_event(world, crawled, tmp_path):
    """D5 published under the next extractor, beside four dates of the current one (the daily case: the history is
    appended): the publish says so, and the only events of D5 are the listing's, until `openness reprocess`."""
    home = copy_home(crawled, tmp_path / "home")
    with next_extractor():
        (outcome,) = crawl(world, home, [D5])
    assert len(outcome.warnings) == 1
    assert outcome.warnings[0].startswith(
        f"the history mixes extractor and rubric versions ({D1} to {D4}: extractor {OLD_EXTRACTOR}, rubric "
        f"{OLD_RUBRIC}; {D5}: extractor {NEW_EXTRACTOR}, rubric {NEW_RUBRIC}; 9 backfilled states: extractor "
        f"{OLD_EXTRACTOR}, rubric {OLD_RUBRIC})")
    d5 = [e for e in events(home) if e[0] == D5]
    assert d5 == [(D5, "org/b3", "renamed", "org/b2", "org/b3", "crawl")]  # not org/f's license, nor org/c's code
    assert query(home, "SELECT count(*) FROM model_history WHERE valid_from = ?", [D5]) == [(6,)]  # every model

    export = tmp_path / "export"
    assert main(["export", str(export), "--home", str(home)]) == 0
    sheet = (export / "DATASHEET.md").read_text()
    assert f"| 4 snapshot dates: {D1} to {D4} | `{OLD_EXTRACTOR}` | `{OLD_RUBRIC}` |" in sheet
    assert f"| 1 snapshot date: {D5} | `{NEW_EXTRACTOR}` | `{NEW_RUBRIC}` |" in sheet
    assert f"| 9 states dated from git history | `{OLD_EXTRACTOR}` | `{OLD_RUBRIC}` |" in sheet

    with next_extractor():
        code, out, err = reprocess_cli(home, "--from", D4, "--to", D4)
        # D4 and D5 now read alike: org/f's license change is an event; D3 to D4 crosses versions, so org/e's gate is
        # an event but its class change is not
        assert code == 0 and out.startswith(f"[1/1] {D4}: 6 models re-derived\nRe-derived 1 of 1 dates (6 models)")
        assert f"{D1} to {D3}: extractor {OLD_EXTRACTOR}" in err and "run `openness reprocess`" in err
        assert [e for e in events(home) if e[0] in (D4, D5)] == [
            (D4, "org/e", "became_gated", "no", "manual", "crawl"),
            (D5, "org/b3", "renamed", "org/b2", "org/b3", "crawl"),
            (D5, "org/f", "license_changed", "mit", "apache-2.0", "crawl"),
        ]
        code, out, err = reprocess_cli(home)
    assert code == 0 and err == "" and out.startswith(f"[1/5] {D1}: 5 models re-derived")
    assert [e for e in events(home) if e[0] in (D4, D5)] == [
        (D4, "org/e", "became_gated", "no", "manual", "crawl"),
        (D4, "org/e", "class_changed", "open_weights_permissive", "gated_or_closed", "crawl"),
        (D5, "org/b3", "renamed", "org/b2", "org/b3", "crawl"),
        (D5, "org/f", "license_changed", "mit", "apache-2.0", "crawl"),
    ]
    assert query(home, "SELECT DISTINCT extractor_version, rubric_version FROM model_history") == [
        (NEW_EXTRACTOR, NEW_RUBRIC)]


def test_the_dagster_job_rederives_partitions_and_the_history(crawled, fresh, tmp_path):
    from pipeline.defs.assets import model_facts, openness, published_snapshot
    from pipeline.defs.checks import evidence_expectations, model_facts_expectations, openness_expectations
    from pipeline.defs.jobs import reprocess_snapshots_job

    home = copy_home(crawled, tmp_path / "home")
    defs = dg.Definitions(
        assets=[model_facts, openness, published_snapshot],
        asset_checks=[model_facts_expectations, evidence_expectations, openness_expectations],
        jobs=[reprocess_snapshots_job], resources=build_resources(home, NO_HUB),
    )
    job = defs.resolve_job_def("reprocess_snapshots")
    with next_extractor(), no_network() as attempts:
        results = [job.execute_in_process(partition_key=day, raise_on_error=False) for day in CRAWLED]
    assert [r.success for r in results] == [True] * 4 and attempts == []
    checks = [e.check_name for r in results for e in r.get_asset_check_evaluations() if e.passed]
    assert sorted(checks) == sorted(["model_facts_expectations", "evidence_expectations", "openness_expectations"] * 4)
    assert history(home) == history(fresh)
    published = [r.asset_materializations_for_node("published_snapshot")[0].metadata for r in results]
    assert ["mixed_versions" in m for m in published] == [True, True, True, False]  # until the last partition


def test_a_database_from_before_the_extractor_version_column_rebuilds_its_history(crawled, tmp_path):
    home = copy_home(crawled, tmp_path / "home")
    expected = history(home)
    for database in (home / "observatory.duckdb", home / "work" / "observatory.duckdb"):
        with duckdb.connect(str(database)) as conn:
            conn.execute("ALTER TABLE model_history DROP COLUMN extractor_version")
    assert run_snapshot(D4, home=home, hub=NO_HUB, selection="published_snapshot").published
    assert history(home) == expected
