"""Publishing: the analysts' DuckDB file is released whole, and `openness export` writes Parquet, the database,
Croissant metadata (read back with mlcroissant), a datasheet and the rubric.

One small home is produced by the real pipeline (a synthetic world of 60 models over two days, served by the
replay hub) and shared by the module; tests that publish again work on their own copy of it.
"""

import hashlib
import json
import shutil
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import mlcroissant as mlc
import pandas as pd
import pytest

from pipeline import publishing, snapshot
from pipeline.cli import main
from pipeline.defs.resources import HubResource
from pipeline.hub.replay import ReplayHub
from pipeline.hub.synth import generate_world
from pipeline.hub.world import World
from pipeline.openness.rubric import RUBRIC_VERSION
from pipeline.runner import run_snapshot
from pipeline.store.files import Store
from pipeline.store.tables import table_schema

DATES = ("2026-01-01", "2026-01-02")
# Publishing reads only the staged files: this endpoint is never called.
NO_HUB = HubResource(endpoint="http://127.0.0.1:9/as-of/{snapshot_date}", limit=None)
COUNTS_SQL = ("SELECT (SELECT count(*) FROM crawl_runs), (SELECT count(*) FROM models_raw), "
              "(SELECT count(*) FROM openness), (SELECT count(*) FROM evidence)")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict[str, Path]:
    """Both dates crawled and published; the databases as released after the first date are kept aside."""
    root = tmp_path_factory.mktemp("publishing")
    generate_world(root / "w", models=60, days=2, seed=5)
    home, day_one = root / "home", root / "day-one"
    with ReplayHub(World(root / "w")) as hub:
        resource = HubResource(endpoint=f"{hub.url}/as-of/{{snapshot_date}}", limit=None)
        for date in DATES:
            outcome = run_snapshot(date, home=home, hub=resource)
            assert outcome.published, outcome
            if date == DATES[0]:
                day_one.mkdir()
                shutil.copyfile(home / "observatory.duckdb", day_one / "observatory.duckdb")
                shutil.copyfile(home / "work" / "observatory.duckdb", day_one / "work.duckdb")
    return {"home": home, "day_one": day_one}


@pytest.fixture(scope="module")
def exported(published, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "out"
    publishing.export(published["home"], out)
    return out


def copy_home(published: dict[str, Path], target: Path) -> Path:
    shutil.copytree(published["home"], target, ignore=shutil.ignore_patterns("hf-cache"))
    return target


def counts(database: Path) -> tuple:
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute(COUNTS_SQL).fetchall()[0]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- the released database --------------------------------------------------------------------------------


def test_runs_write_the_working_copy_and_release_it_whole(published):
    home = published["home"]
    released, working = home / "observatory.duckdb", home / "work" / "observatory.duckdb"
    assert Store.at(home).work_duckdb_path == working.resolve()
    assert sha256(released) == sha256(working)
    assert not list(home.glob("observatory.duckdb.tmp-*"))
    assert not working.with_name("observatory.duckdb.wal").exists()
    assert counts(released)[0] == len(DATES)


def test_released_file_is_in_duckdb_1x_storage_format(published):
    """The main header is an 8-byte checksum, the magic `DUCK`, then the storage version as a little-endian u64.

    DuckDB 1.x reads storage versions 64 to 68; DuckDB 2 writes a newer one unless storage_compatibility_version
    asks for an older format. DuckDB also reports the format it opened in duckdb_databases().tags.
    """
    released = published["home"] / "observatory.duckdb"
    header = released.read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert struct.unpack("<Q", header[12:20])[0] == 64
    with duckdb.connect(str(released), read_only=True) as conn:
        tags = conn.execute("SELECT tags FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    assert tags[0][0]["storage_version"] == "v1.0.0+"


READER = r"""
import json, os, sys, time, duckdb
database, stop, sql = sys.argv[1], sys.argv[2], sys.argv[3]
deadline = time.monotonic() + 60  # stops by itself if the test never says so
while time.monotonic() < deadline:
    try:
        with duckdb.connect(database, read_only=True) as conn:  # a new reader each time
            seen = list(conn.execute(sql).fetchall()[0])
    except Exception as error:
        seen = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(seen), flush=True)
    if os.path.exists(stop):
        break
    time.sleep(0.02)
"""


def test_readers_keep_querying_while_a_publish_releases(published, tmp_path):
    home = copy_home(published, tmp_path / "home")
    # The home as it was after the first date; publishing the second date again changes every count.
    shutil.copyfile(published["day_one"] / "observatory.duckdb", home / "observatory.duckdb")
    shutil.copyfile(published["day_one"] / "work.duckdb", home / "work" / "observatory.duckdb")
    released = home / "observatory.duckdb"
    old, new = counts(released), counts(published["home"] / "observatory.duckdb")
    assert old != new

    # Reader 1, in this process: one connection opened before the publish, queried throughout.
    held_seen, held_errors, held_ready, stop = [], [], threading.Event(), threading.Event()

    def hold_and_query() -> None:
        with duckdb.connect(str(released), read_only=True) as conn:
            while not stop.is_set():
                try:
                    held_seen.append(conn.execute(COUNTS_SQL).fetchall()[0])
                except Exception as error:  # any error fails the test
                    held_errors.append(repr(error))
                held_ready.set()
                time.sleep(0.01)

    holder = threading.Thread(target=hold_and_query)
    holder.start()
    # Reader 2, another process: a fresh read-only connection for every query.
    stop_file, log = tmp_path / "stop", tmp_path / "reader.jsonl"
    with open(log, "w") as out:
        reader = subprocess.Popen([sys.executable, "-c", READER, str(released), str(stop_file), COUNTS_SQL], stdout=out)
    try:
        assert held_ready.wait(30)
        wait_for(lambda: log.read_text().count("\n") >= 1)
        outcome = run_snapshot(DATES[1], home=home, hub=NO_HUB, selection="published_snapshot")
        assert outcome.published, outcome
        wait_for(lambda: any(json.loads(line) == list(new) for line in log.read_text().splitlines()))
    finally:
        stop.set()
        stop_file.touch()
        holder.join(30)
        reader.wait(30)

    assert not held_errors
    assert held_seen and set(held_seen) == {old}  # the open file stays the old one, whole
    seen = [json.loads(line) for line in log.read_text().splitlines()]
    assert all(isinstance(s, list) for s in seen), [s for s in seen if not isinstance(s, list)]
    assert {tuple(s) for s in seen} <= {old, new}
    assert tuple(seen[0]) == old and tuple(seen[-1]) == new
    assert counts(released) == new


def test_a_failed_publish_leaves_the_released_file_untouched(published, tmp_path, monkeypatch):
    home = copy_home(published, tmp_path / "home")
    released = home / "observatory.duckdb"
    before = (sha256(released), released.stat().st_ino, released.stat().st_mtime_ns)
    working_before = counts(home / "work" / "observatory.duckdb")
    statements = snapshot._sql_statements

    def failing_midway(text: str) -> dict[str, str]:
        # The tables before model_facts are replaced, then the transaction fails inside DuckDB.
        return {**statements(text), "model_facts": "SELECT error('injected failure after the first tables');"}

    monkeypatch.setattr(snapshot, "_sql_statements", failing_midway)
    outcome = run_snapshot(DATES[1], home=home, hub=NO_HUB, selection="published_snapshot")

    assert not outcome.published
    assert any("injected failure" in error for error in outcome.errors), outcome.errors
    assert (sha256(released), released.stat().st_ino, released.stat().st_mtime_ns) == before
    assert not list(home.glob("observatory.duckdb.tmp-*"))
    assert counts(home / "work" / "observatory.duckdb") == working_before  # rolled back


def test_a_home_released_before_work_existed_keeps_its_dates(published, tmp_path):
    home = copy_home(published, tmp_path / "home")
    shutil.rmtree(home / "work")
    outcome = run_snapshot(DATES[1], home=home, hub=NO_HUB, selection="published_snapshot")
    assert outcome.published, outcome
    assert counts(home / "observatory.duckdb") == counts(published["home"] / "observatory.duckdb")
    assert (home / "work" / "observatory.duckdb").is_file()



def test_a_database_made_before_a_column_was_added_gets_it(published, tmp_path):
    home = copy_home(published, tmp_path / "home")
    with duckdb.connect(str(home / "work" / "observatory.duckdb")) as conn:  # as an older schema.sql made it
        conn.execute("ALTER TABLE model_facts DROP COLUMN license_components")
    outcome = run_snapshot(DATES[1], home=home, hub=NO_HUB, selection="published_snapshot")
    assert outcome.published, outcome
    with duckdb.connect(str(home / "observatory.duckdb"), read_only=True) as conn:
        rows = conn.execute("SELECT snapshot_date::VARCHAR, count(*), count(license_components) FROM model_facts "
                            "GROUP BY ALL ORDER BY 1").fetchall()
    (first, first_rows, first_filled), (second, second_rows, second_filled) = rows
    assert (first, first_filled) == (DATES[0], 0)  # published before the column existed
    assert (second, second_filled) == (DATES[1], second_rows) and second_rows > 0


# ---- export -------------------------------------------------------------------------------------------------


def test_export_writes_every_part(published, exported):
    home = published["home"]
    for table in snapshot.PUBLISHED_FROM:
        for date in DATES:
            relative = Path("snapshots") / table / f"snapshot_date={date}" / f"{table}.parquet"
            assert sha256(exported / relative) == sha256(home / relative)
    assert sha256(exported / "observatory.duckdb") == sha256(home / "observatory.duckdb")
    assert (exported / "RUBRIC.md").read_text() == publishing.RUBRIC_DOC.read_text()
    assert {p.name for p in exported.iterdir()} == {"snapshots", "history", "observatory.duckdb", "croissant.json",
                                                     "DATASHEET.md", "RUBRIC.md"}
    assert not list(exported.parent.glob("out.tmp-*"))


def test_history_is_exported_as_parquet_equal_to_the_database(exported):
    with duckdb.connect(str(exported / "observatory.duckdb"), read_only=True) as conn:
        for table in publishing.HISTORY_TABLES:
            path = str(exported / "history" / f"{table}.parquet")
            in_database = conn.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            assert in_database > 0 or table == "openness_changes"  # two quiet days: no events in this world
            missing = f"SELECT * FROM {table} EXCEPT ALL SELECT * FROM read_parquet(?)"
            extra = f"SELECT * FROM read_parquet(?) EXCEPT ALL SELECT * FROM {table}"
            assert conn.execute(missing, [path]).fetchall() == conn.execute(extra, [path]).fetchall() == []
    sheet = (exported / "DATASHEET.md").read_text()
    assert f"`history/model_history.parquet` ({conn_rows(exported, 'model_history'):,} rows)" in sheet


def conn_rows(exported: Path, table: str) -> int:
    with duckdb.connect(str(exported / "observatory.duckdb"), read_only=True) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_croissant_records_match_the_published_rows(exported):
    dataset = mlc.Dataset(jsonld=exported / "croissant.json")
    assert [rs.id for rs in dataset.metadata.record_sets] == [*snapshot.PUBLISHED_FROM, *publishing.HISTORY_TABLES]
    for record_set in dataset.metadata.record_sets:  # every column of every table is described and readable
        first = next(iter(dataset.records(record_set=record_set.id)), None)
        assert first is None or set(first) == {field.id for field in record_set.fields}
        assert [field.name for field in record_set.fields] == list(table_schema(record_set.id))
    with duckdb.connect(str(exported / "observatory.duckdb"), read_only=True) as conn:
        for table in ("openness", "model_facts"):
            records = list(dataset.records(record_set=table))
            for date in DATES:
                sql = f"SELECT count(*) FROM {table} WHERE snapshot_date = ?"
                expected = conn.execute(sql, [date]).fetchall()[0][0]
                found = sum(1 for r in records if r[f"{table}/snapshot_date"] == pd.Timestamp(date))
                assert found == expected > 0
    history = list(dataset.records(record_set="model_history"))
    assert len(history) == conn_rows(exported, "model_history")
    assert {r["model_history/source"] for r in history} == {b"crawl"}  # mlcroissant reads text as bytes
    facts = list(dataset.records(record_set="model_facts"))
    links = [link for r in facts for link in r["model_facts/code_links"]]
    assert links and set(links[0]) == {f"model_facts/code_links/{k}" for k in ("url", "host", "repo", "role")}
    assert all(isinstance(r["model_facts/papers"], list) for r in facts)


def test_croissant_describes_the_release(exported):
    metadata = json.loads((exported / "croissant.json").read_text())
    assert metadata["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    assert metadata["datePublished"] == DATES[-1]
    assert metadata["license"] == publishing.OUTPUT_LICENSE_URL
    assert metadata["version"] and "@misc{" in metadata["citeAs"] and RUBRIC_VERSION in metadata["citeAs"]
    models_raw = next(rs for rs in metadata["recordSet"] if rs["@id"] == "models_raw")
    hub_id = next(f for f in models_raw["field"] if f["name"] == "hub_id")
    assert "survives renames" in hub_id["description"] and hub_id["dataType"] == "sc:Text"
    assert [k["@id"] for k in models_raw["key"]] == ["models_raw/snapshot_date", "models_raw/hub_id"]
    distribution = {d["@id"]: d.get("includes") for d in metadata["distribution"]}
    assert distribution["openness-parquet"] == "snapshots/openness/*/*.parquet"
    history_file = next(d for d in metadata["distribution"] if d["@id"] == "model_history-parquet")
    assert history_file["contentUrl"] == "history/model_history.parquet"
    assert history_file["sha256"] == sha256(exported / "history" / "model_history.parquet")


def test_datasheet_covers_rubric_sources_and_limits(exported):
    sheet = (exported / "DATASHEET.md").read_text()
    for section in ("Motivation", "Composition", "Collection process", "Preprocessing", "Uses and limitations",
                    "Distribution", "Maintenance"):
        assert f"## {section}" in sheet
    assert f"`{RUBRIC_VERSION}`" in sheet
    assert "doi:10.5281/zenodo.15386042" in sheet and "Liesenfeld and Mark Dingemanse" in sheet
    assert "Copyright 2024 The Model Openness Tool Authors" in sheet and "hub-docs" in sheet
    assert "2 of 2 dates were crawled from a replay hub" in sheet
    with duckdb.connect(str(exported / "observatory.duckdb"), read_only=True) as conn:
        models = conn.execute("SELECT count(*) FROM models_raw WHERE snapshot_date = ?", [DATES[0]]).fetchall()[0][0]
    assert f"| {DATES[0]} | 1 | 0 | {models} |" in sheet


def test_export_command_refuses_a_non_empty_folder_unless_forced(published, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert main(["export", str(out), "--home", str(published["home"])]) == 1
    err = capsys.readouterr().err
    assert err.startswith("openness: error: ") and "--force" in err and len(err.strip().splitlines()) == 1
    assert main(["export", str(out), "--home", str(published["home"]), "--force"]) == 0
    assert not (out / "notes.txt").exists() and (out / "croissant.json").is_file()
    assert "Exported 9 tables for 2 snapshot dates" in capsys.readouterr().out


def test_export_never_replaces_the_observatory_itself(published):
    for outdir in (published["home"], published["home"].parent):
        with pytest.raises(publishing.ExportError, match="export somewhere else"):
            publishing.export(published["home"], outdir, force=True)
    assert (published["home"] / "observatory.duckdb").is_file()


def test_export_command_says_when_nothing_is_published(tmp_path, capsys):
    assert main(["export", str(tmp_path / "out"), "--home", str(tmp_path / "empty")]) == 1
    err = capsys.readouterr().err
    assert "nothing published" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_export_rejected_by_mlcroissant_leaves_no_folder(published, tmp_path, monkeypatch):
    def broken_croissant(path: Path, facts, *, url=None) -> Path:
        metadata = json.loads(json.dumps(publishing.croissant_metadata(facts).to_json(), default=str))
        metadata["recordSet"][0]["field"][0]["source"]["extract"]["column"] = "no_such_column"
        path.write_text(json.dumps(metadata))
        return path

    monkeypatch.setattr(publishing, "write_croissant", broken_croissant)
    with pytest.raises(publishing.ExportError, match="mlcroissant rejects croissant.json: .*no_such_column"):
        publishing.export(published["home"], tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)
