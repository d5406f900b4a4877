"""Running one snapshot date outside the Dagster UI (the `openness` CLI, the demo, the tests).

It materialises the same assets and checks the UI shows, in process. With DAGSTER_HOME set, runs are
recorded in that instance, so `dagster dev` shows them too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg

from pipeline.defs import assets as asset_defs
from pipeline.defs import checks as check_defs
from pipeline.defs.resources import HubResource, build_resources

# Failures are reported from the run result (RunOutcome), once, without stack traces.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class RunOutcome:
    date: str
    success: bool
    published: bool
    failed_checks: list[dict[str, Any]] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. the history now mixes extractor or rubric versions


def snapshot_definitions() -> list[dg.AssetsDefinition | dg.AssetChecksDefinition]:
    """The date-partitioned assets (and their checks): one snapshot. The backfill runs on demand only."""
    assets = [o for o in vars(asset_defs).values() if isinstance(o, dg.AssetsDefinition) and o.partitions_def]
    checks = [o for o in vars(check_defs).values() if isinstance(o, dg.AssetChecksDefinition)]
    return [*assets, *checks]


def run_snapshot(
    date: str,
    *,
    home: str | os.PathLike,
    hub: HubResource,
    instance: dg.DagsterInstance | None = None,
    selection: str | None = None,
) -> RunOutcome:
    """Crawls, extracts, grades, checks and (if every check passes) publishes one snapshot date."""
    Path(home).mkdir(parents=True, exist_ok=True)
    if instance is None and os.environ.get("DAGSTER_HOME"):
        instance = dg.DagsterInstance.get()
    result = dg.materialize(
        snapshot_definitions(),
        resources=build_resources(home, hub),
        partition_key=date,
        instance=instance,
        run_config=QUIET_LOGS,
        raise_on_error=False,
        selection=selection,
        tags={"openness/source": "cli"},
    )
    failed_checks = [
        {"check": e.check_name, "asset": e.asset_key.to_user_string(), **_failures(e)}
        for e in result.get_asset_check_evaluations()
        if not e.passed
    ]
    failed_steps = [e.step_key for e in result.all_events if e.is_step_failure and e.step_key]
    errors = [
        f"{e.step_key}: {_root_message(e.event_specific_data.error)}"
        for e in result.all_events
        if e.is_step_failure and e.event_specific_data is not None and e.event_specific_data.error is not None
    ]
    publishes = [e.materialization for e in result.get_asset_materialization_events()
                 if e.asset_key == asset_defs.published_snapshot.key]
    warnings = [p.metadata["mixed_versions"].value for p in publishes if "mixed_versions" in p.metadata]
    return RunOutcome(date, result.success, bool(publishes), failed_checks, failed_steps, errors, warnings)


def _root_message(error: Any) -> str:
    """Dagster wraps the asset's exception; the user needs the innermost message."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    lines = error.message.strip().splitlines()
    return lines[0] if lines else error.cls_name or "unknown error"


def _failures(evaluation: Any) -> dict[str, Any]:
    failures = evaluation.metadata.get("failures")
    return {"failures": failures.value if failures is not None else []}
