"""The `openness` command as users call it: clear one-line errors, and the commands that do real work."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from huggingface_hub import HfApi

from pipeline.cli import main
from pipeline.hub.replay import ReplayHub
from pipeline.hub.world import World

OPENNESS = str(Path(sys.executable).parent / "openness")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--endpoint", "ftp://example.org"], "--endpoint must be an http(s) URL"),
        (["hub", "serve", "no/such/folder"], "does not exist"),
        (["hub", "import-recorded", "out", "--source", "no/such/folder"], "does not look like the recorded Hub data"),
    ],
)
def test_user_mistakes_get_one_line_errors(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("openness: error: ") and message in err and len(err.strip().splitlines()) == 1


def test_a_folder_that_is_not_a_world_is_refused(capsys, tmp_path):
    assert main(["hub", "serve", str(tmp_path)]) == 2
    assert "is neither a replay world" in capsys.readouterr().err


def test_a_bad_fault_spec_is_refused(capsys, tmp_path):
    assert main(["hub", "serve", str(tmp_path), "--faults", "429=2"]) == 2
    assert "--faults" in capsys.readouterr().err


def test_bad_dates_are_argument_errors(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--date", "2025-13-01"])
    assert exit_.value.code == 2
    assert "not a date" in capsys.readouterr().err


def test_hub_synth_writes_a_world(tmp_path, capsys):
    assert main(["hub", "synth", str(tmp_path / "w"), "--models", "50", "--days", "3", "--seed", "1"]) == 0
    world = World(tmp_path / "w")
    assert world.dates == ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert world.state("2026-01-01").height == 50


def test_run_crawls_a_replay_hub_and_publishes(recorded_world, tmp_path, capsys):
    with ReplayHub(recorded_world) as hub:
        code = main(["run", "--date", "2025-03-31", "--endpoint", f"{hub.url}/as-of/{{snapshot_date}}", "--all",
                     "--home", str(tmp_path)])
    assert code == 0
    assert "2025-03-31: published 50 models (50 fetched, 0 unchanged, 0 failed" in capsys.readouterr().out
    with duckdb.connect(str(tmp_path / "observatory.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM openness").fetchone()[0] == 50


def test_demo_prints_classes_changes_and_where_the_data_is(tmp_path, capsys):
    assert main(["demo", "--home", str(tmp_path), "--models", "80", "--days", "3", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "Models per openness class on 2026-01-03:" in out
    assert "Changes seen between consecutive days:" in out
    assert f"DuckDB file:        {tmp_path / 'observatory.duckdb'}" in out
    with duckdb.connect(str(tmp_path / "observatory.duckdb"), read_only=True) as conn:
        dates = conn.execute("SELECT count(*) FROM crawl_runs WHERE status = 'ok'").fetchone()[0]
    assert dates == 3


def test_hub_serve_answers_the_real_client(shared_data):
    server = subprocess.Popen(
        [OPENNESS, "hub", "serve", str(shared_data / "hub-recorded"), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first_line = server.stdout.readline()
        assert first_line.startswith("Replay hub on http://127.0.0.1:"), first_line + server.stderr.read()
        url = first_line.split()[3]
        info = HfApi(endpoint=url).model_info("meta-llama/Meta-Llama-3-8B-Instruct")
        assert (info.gated, info.card_data.license) == ("manual", "llama3")
    finally:
        server.kill()
        server.wait(timeout=30)
