"""How long identifying a LICENSE text takes (pipeline.extract.licenses.identify_license_text).

    .venv/bin/python benchmarks/license_text_speed.py [--repeat 20]

The texts: every SPDX reference text that the license table knows (fields filled in as a repository's LICENSE
file has them), each also with a notice appended and cut to its first 40%, and the synthetic world's vendor,
custom and standard license texts (titles, short texts that are not SPDX). Prints the time to build the
reference index (once per process), then the mean, median and slowest time per text, overall and per kind.
Timings are printed, never asserted: they belong to this machine.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from importlib.resources import files
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.extract.licenses import REFERENCE, identify_license_text  # noqa: E402
from pipeline.hub.synth import CUSTOM_LICENSE_TEXTS, STANDARD_LICENSE_TEXTS, VENDOR_LICENSE_TEXT  # noqa: E402

NOTICE = "\n\nNOTICE\n\nThis release bundles files from other projects; their authors are listed in the README.\n"


def spdx_texts() -> dict[str, str]:
    folder = files("spdx") / "data"
    texts = {}
    for spdx_id in dict.fromkeys(info.spdx_id for info in REFERENCE.values() if info.spdx_id):
        for name in (spdx_id, spdx_id.removesuffix("-only")):
            if (folder / f"{name}.txt").is_file():
                text = (folder / f"{name}.txt").read_text(encoding="utf-8", errors="replace")
                text = re.sub(r"<<var;name=[^;]*;original=(.*?);match=.*?>>", r"\1", text, flags=re.DOTALL)
                texts[spdx_id] = re.sub(r"<<(?:begin|end)Optional[^>]*>>", "", text)
                break
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="times each text is identified; the best counts")
    args = parser.parse_args()

    full = spdx_texts()
    kinds = {
        "SPDX text": list(full.values()),
        "SPDX text + notice": [text + NOTICE for text in full.values()],
        "SPDX text, first 40%": [text[: len(text) * 2 // 5] for text in full.values()],
        "not SPDX (synthetic)": [VENDOR_LICENSE_TEXT.format(title="Llama 3 Community License Agreement")]
        + [text.format(holder="Acme", title="Model License", year=2025) for text in CUSTOM_LICENSE_TEXTS.values()]
        + [text.format(holder="Acme", year=2025) for text in STANDARD_LICENSE_TEXTS.values()],
    }
    started = time.perf_counter()
    identify_license_text("MIT License")  # builds the reference index
    print(f"reference index built in {(time.perf_counter() - started) * 1000:.1f} ms ({len(full)} SPDX texts)")

    every = []
    for kind, texts in kinds.items():
        times = []
        for text in texts:
            best = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                identify_license_text(text)
                best = min(best, time.perf_counter() - started)
            times.append(best * 1000)
        every += times
        print(f"{kind:24} {len(texts):3} texts  mean {statistics.mean(times):5.2f} ms  "
              f"median {statistics.median(times):5.2f} ms  slowest {max(times):5.2f} ms")
    print(f"{'all':24} {len(every):3} texts  mean {statistics.mean(every):5.2f} ms  "
          f"median {statistics.median(every):5.2f} ms  slowest {max(every):5.2f} ms")


if __name__ == "__main__":
    main()
