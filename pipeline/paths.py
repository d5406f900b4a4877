"""Where the project's own files live, found from the package so that any working directory works."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"


def read_sql(name: str) -> str:
    return (SQL_DIR / name).read_text()
