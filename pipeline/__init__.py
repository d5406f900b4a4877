"""openness-observatory: a longitudinal dataset of how open Hugging Face models really are."""

import os

# huggingface_hub reads these at import. Telemetry would also make it fetch an "agent harness" list from
# the public Hub whatever endpoint we crawl, so a replay run could leave loopback: switch it off.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
