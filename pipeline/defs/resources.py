"""Resources: the Hub to crawl (and its scope), the observatory's folder, and the analysts' DuckDB file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import dagster as dg
from dagster_duckdb import DuckDBResource
from pydantic import Field

from pipeline.hub.client import PUBLIC_HUB, CrawlScope, HubClient, RetryPolicy
from pipeline.store.files import Store

# Older DuckDB clients (1.x CLIs, R, DBeaver) cannot open files in DuckDB 2's newest storage format.
DUCKDB_CONFIG = {"storage_compatibility_version": "v1.0.0"}


class HubResource(dg.ConfigurableResource):
    """The Hugging Face Hub, or a replay hub, reached through huggingface_hub; and which repos to crawl.

    The token comes from the HF_TOKEN environment variable only: it is never part of the config, logs or
    outputs. `endpoint` may contain `{snapshot_date}`, e.g. `http://127.0.0.1:8000/as-of/{snapshot_date}`,
    to replay a recorded world as of each partition's date.
    """

    endpoint: str = Field(default=PUBLIC_HUB, description="Hub endpoint; may contain {snapshot_date}")
    repo_ids: list[str] = Field(default_factory=list, description="Explicit repo ids (overrides the sweep)")
    authors: list[str] = Field(default_factory=list, description="Only repos of these authors/organisations")
    search: Optional[str] = Field(default=None, description="Substring of the repo id")
    pipeline_tag: Optional[str] = Field(default=None, description="e.g. text-generation")
    sort: str = Field(default="downloads", description="downloads | likes | created_at | last_modified | trending_score")
    limit: Optional[int] = Field(default=100, description="Top-N after sorting; null for every match")
    max_attempts: int = Field(default=5, description="Attempts per call before a repo is recorded as failed")
    backoff_base_seconds: float = 1.0
    backoff_cap_seconds: float = 60.0
    timeout_seconds: float = 60.0
    detail_workers: int = Field(default=4, description="Parallel detail fetches")
    dataset_refresh_days: int = Field(default=30, description="Look a named Hub dataset's license up again after")
    fetch_missing_bases: bool = Field(default=True, description="Also crawl base models named in scope but not in it")
    max_base_depth: int = Field(default=3, description="Levels of bases of bases to fetch for lineage")
    base_refresh_days: int = Field(default=7, description="Reuse a base model fetched for lineage for this long")

    def scope(self) -> CrawlScope:
        return CrawlScope(
            repo_ids=tuple(self.repo_ids),
            authors=tuple(self.authors),
            search=self.search,
            pipeline_tag=self.pipeline_tag,
            sort=self.sort,
            limit=self.limit,
        )

    def client(self, snapshot_date: str, cache_dir: Path) -> HubClient:
        return HubClient(
            self.endpoint.replace("{snapshot_date}", snapshot_date),
            cache_dir=cache_dir,
            retry=RetryPolicy(self.max_attempts, self.backoff_base_seconds, self.backoff_cap_seconds),
            timeout_seconds=self.timeout_seconds,
            workers=self.detail_workers,
        )


class StoreResource(dg.ConfigurableResource):
    """The observatory's folder: raw crawl data, staged tables, published snapshots, the DuckDB file."""

    home: str = Field(description="Folder holding raw/, staging/, snapshots/ and observatory.duckdb")

    def store(self) -> Store:
        return Store.at(self.home)


def default_home() -> str:
    return os.environ.get("OPENNESS_HOME", "data")


def build_resources(
    home: str | os.PathLike | None = None, hub: HubResource | None = None
) -> dict[str, dg.ConfigurableResource]:
    """The three resources every asset needs, all pointing at the same folder."""
    store = Store.at(home or default_home())
    return {
        "hub": hub or HubResource(endpoint=os.environ.get("OPENNESS_HUB_ENDPOINT", PUBLIC_HUB)),
        "store": StoreResource(home=str(store.home)),
        # Runs write a working copy; published_snapshot releases it onto the analysts' file (pipeline.store.release).
        "duckdb": DuckDBResource(database=str(store.work_duckdb_path), connection_config=DUCKDB_CONFIG),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=build_resources())
