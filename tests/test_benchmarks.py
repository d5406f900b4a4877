"""The profiling benchmark runs on any folder of cards and accounts for every card and every extractor step."""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_extract_profile_counts_cards_per_family_and_restores_the_extractor(tmp_path, capsys):
    profile = _load("extract_profile")
    import pipeline.extract.facts as facts
    before = {name: getattr(facts, name) for name in profile.STEPS}
    (tmp_path / "org__agent.md").write_text(
        "---\nlibrary_name: stable-baselines3\ntags:\n- reinforcement-learning\n- stable-baselines3\n---\n"
        "# PPO agent\n\nA PPO agent for a cart balancing task, made with the stable-baselines3 library.\n")
    (tmp_path / "org__plain.md").write_text("---\nlicense: mit\n---\n# A model\n\nIt sorts recipes by cuisine.\n")
    (tmp_path / "org__other.md").write_text("# Another model\n\nIt tags birdsong recordings.\n")

    profile.main(["--cards", str(tmp_path)])
    out = capsys.readouterr().out

    assert out.startswith("3 cards extracted")
    assert re.search(r"^  sb3 +1 ", out, re.MULTILINE)
    assert re.search(r"^  other +2 ", out, re.MULTILINE)
    for step in ("parse_card", "extract_license", "extract_datasets", "extract_base_model"):
        assert re.search(rf"^  {step} +\d+\.\d\d +\d+\.\d%$", out, re.MULTILINE)
    assert {name: getattr(facts, name) for name in profile.STEPS} == before  # the wrappers are gone


def test_extract_profile_refuses_a_missing_folder(tmp_path):
    with pytest.raises(SystemExit, match="not a folder"):
        _load("extract_profile").main(["--cards", str(tmp_path / "missing")])
