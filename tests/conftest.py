"""Shared test fixtures: where the shared real data lives, and a Hugging Face client that never leaves the machine."""

import os
from pathlib import Path

import pytest

# Set before any test module imports huggingface_hub: it reads these at import time.
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_DISABLE_IMPLICIT_TOKEN"] = "1"

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data next to the repository; skipped when absent, except on CI (CI=true), where it must exist."""
    if not SHARED_DATA.is_dir():
        message = f"shared data not found at {SHARED_DATA}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DATA


@pytest.fixture(autouse=True)
def isolated_hf_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A throwaway HF_HOME per test, with telemetry off, so no test touches the user's cache or token."""
    monkeypatch.setenv("HF_HOME", str(tmp_path_factory.mktemp("hf-home")))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")


@pytest.fixture(scope="session")
def recorded(shared_data: Path) -> Path:
    """The recorded Hub responses and cards (../shared/data/hub-recorded)."""
    return shared_data / "hub-recorded"


@pytest.fixture(scope="session")
def recorded_world(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """The recorded Hub (../shared/data/hub-recorded) as a replay world, built once per test session."""
    from pipeline.hub.recorded import load_recorded
    from pipeline.hub.world import World

    return World(load_recorded(shared_data / "hub-recorded", tmp_path_factory.mktemp("recorded-world")))
