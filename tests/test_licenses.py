"""Licenses on texts written for these tests: SPDX expressions, LICENSE texts identified by similarity to the SPDX
reference texts (mixed, edited and truncated ones among them), and README statements split per component."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from pipeline.extract.facts import extract
from pipeline.extract.licenses import (
    HUB_ID_BY_SPDX_ID,
    LICENSE_COMPONENTS,
    REFERENCE,
    identify_license_text,
    normalise_license_id,
)
from pipeline.extract.model import ModelInput

REPO = Path(__file__).resolve().parents[1]


def spdx_text(spdx_id: str) -> str:
    """A LICENSE file as a repository holds it: the SPDX package's template with its fields filled in."""
    folder = files("spdx") / "data"
    name = spdx_id if (folder / f"{spdx_id}.txt").is_file() else spdx_id.removesuffix("-only")
    text = (folder / f"{name}.txt").read_text(encoding="utf-8", errors="replace")
    text = re.sub(r"<<var;name=[^;]*;original=(.*?);match=.*?>>", r"\1", text, flags=re.DOTALL)
    return re.sub(r"<<(?:begin|end)Optional[^>]*>>", "", text)


APACHE = spdx_text("Apache-2.0")
NOTICE = """

NOTICE

This release bundles a tokenizer trained by the Lighthouse group and evaluation scripts adapted from an
earlier project of ours; both keep their original headers. Questions about this release go to the maintainers
listed in the README.
"""
# A community license in the manner of Llama 2's, written for this test: it cites the Apache License.
LLAMA_STYLE = """LLAMA 2 COMMUNITY LICENSE AGREEMENT
Parts of this release taken from other projects stay under the Apache License, Version 2.0.

"Agreement" means the terms set out below for using, copying, changing and sharing the model weights, the
code that runs them and the accompanying documents (the "Materials").

1. Grant. You may use, copy, modify and share the Materials at no charge, provided you pass this Agreement on
with every copy and keep the notice "Made with Llama 2" visible where people use your product.

2. Software from others. Some inference helpers in the Materials come from third parties and are distributed
under the Apache License, Version 2.0 (the "License"); you may not use those files except in compliance with
the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0. Unless
required by applicable law or agreed to in writing, software distributed under the License is distributed on
an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.

3. Large users. If your services had more than 700 million monthly active users on the release date, you need a
separate license before using the Materials, which may be refused.

4. Acceptable use. You will not use the Materials for anything the acceptable use policy forbids.
"""
# A community license without a title this project knows, that also cites the Apache License.
UNKNOWN_COMMUNITY = LLAMA_STYLE.replace("LLAMA 2 COMMUNITY LICENSE AGREEMENT", "HARBOUR MODEL COMMUNITY LICENSE")
RAIL_STYLE = """CreativeML Open RAIL-M
dated a day in spring

Section I: PRELIMINARY CONSIDERATIONS
This license lets you use and share the model, but not for the uses listed in Attachment A. Helper code shipped
with the model remains under the Apache License, Version 2.0.
"""


# --- SPDX expressions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "license_id"),
    [
        ("Apache-2.0 OR MIT", "apache-2.0"),  # both permissive: the first
        ("GPL-3.0-only OR MIT", "mit"),  # OR: the licensee may choose the most open
        ("cc-by-nc-4.0 OR cc-by-4.0", "cc-by-4.0"),
        ("llama2 OR Apache-2.0", "apache-2.0"),  # Hub ids are expression symbols too
        ("MIT AND CC-BY-NC-4.0", "cc-by-nc-4.0"),  # AND: every license applies, so the least open
        ("(MIT AND BSD-3-Clause)", "mit"),
        ("(Apache-2.0 AND CC-BY-NC-4.0) OR MIT", "mit"),
        ("MIT AND (GPL-2.0-or-later OR Apache-2.0)", "mit"),
        ("GPL-2.0-only WITH Classpath-exception-2.0", "gpl-2.0"),  # WITH: the base license
        ("Apache-2.0 WITH LLVM-exception", "apache-2.0"),
        ("GPL-3.0-or-later", "gpl-3.0"),
        ("LGPL-2.1+", "lgpl-2.1"),
        ("apache-2.0", "apache-2.0"),
        ("Apache 2.0", "apache-2.0"),  # not SPDX: the name patterns
        ("Apache 2.0 or MIT", "apache-2.0"),
        ("GPL-3.0 OR", "gpl-3.0"),  # no expression: the name patterns again
    ],
)
def test_spdx_expressions_grade_to_one_hub_id(declared, license_id):
    assert normalise_license_id(declared) == license_id


def test_an_expression_in_the_front_matter_and_in_license_name():
    facts = extract(ModelInput(repo_id="org/model", readme="---\nlicense: GPL-3.0-only OR MIT\n---\n# M\n")).row
    assert (facts["license_id"], facts["license_family"], facts["license_osi_approved"]) == ("mit", "permissive", True)
    readme = "---\nlicense: other\nlicense_name: MIT AND CC-BY-NC-4.0\n---\n# M\n"
    facts = extract(ModelInput(repo_id="org/model", readme=readme)).row
    assert (facts["license_id"], facts["license_family"]) == ("other", "creative-commons-nc")


# --- LICENSE texts ---------------------------------------------------------------------------------------------


def test_every_reference_text_is_identified_as_its_own_license():
    for spdx_id in dict.fromkeys(info.spdx_id for info in REFERENCE.values() if info.spdx_id):
        folder = files("spdx") / "data"
        if not any((folder / f"{name}.txt").is_file() for name in (spdx_id, spdx_id.removesuffix("-only"))):
            continue  # not in the package's 2016 list (OpenMDW, CDLA, the RAIL licenses)
        license_id, rule = identify_license_text(spdx_text(spdx_id))
        assert license_id == HUB_ID_BY_SPDX_ID[spdx_id.lower()], spdx_id
        # below 1.00 where the filled-in fields add words the reference leaves out
        assert re.fullmatch(rf"similarity (0\.9\d|1\.00) to {re.escape(spdx_id)} \(SPDX text\)", rule), rule


def test_a_community_license_that_cites_apache_is_not_apache():
    assert identify_license_text(LLAMA_STYLE) == (
        "llama2", 'title "LLAMA 2 COMMUNITY LICENSE"; best SPDX similarity 0.08 (Apache-2.0)')
    assert identify_license_text(RAIL_STYLE)[0] == "creativeml-openrail-m"
    assert identify_license_text(UNKNOWN_COMMUNITY) is None  # its second line names Apache: no title


def test_an_unknown_community_license_file_does_not_resolve_other_to_apache():
    readme = "---\nlicense: other\nlicense_link: LICENSE\n---\n# M\n"
    facts = extract(ModelInput(repo_id="org/m", readme=readme, license_text=UNKNOWN_COMMUNITY, license_file="LICENSE")).row
    assert (facts["license_id"], facts["license_family"]) == ("other", "other")
    facts = extract(ModelInput(repo_id="org/m", readme=readme, license_text=LLAMA_STYLE, license_file="LICENSE")).row
    assert (facts["license_id"], facts["license_family"]) == ("other", "community")


def test_apache_with_a_notice_appended_is_still_apache():
    license_id, rule = identify_license_text(APACHE + NOTICE)
    assert license_id == "apache-2.0"
    assert rule == "similarity 0.99 to Apache-2.0 (SPDX text)"
    extraction = extract(ModelInput(repo_id="org/m", license_text=APACHE + NOTICE, license_file="LICENSE.txt"))
    assert extraction.row["license_id"] == "apache-2.0" and extraction.row["license_source"] == "license_file"
    (row,) = [row for row in extraction.evidence if row["source_kind"] == "license_file"]
    assert (row["location"], row["snippet"]) == ("LICENSE.txt", "similarity 0.99 to Apache-2.0 (SPDX text)")


def test_mit_with_another_copyright_holder_is_mit():
    text = spdx_text("MIT").replace("Copyright (c) <year> <copyright holders>",
                                    "Copyright (c) 2025 Harbour Lights Research Collective\nCopyright (c) 2024 M. Ortega")
    assert identify_license_text(text) == ("mit", "similarity 1.00 to MIT (SPDX text)")


def test_near_identical_licenses_are_told_apart():
    bsd3 = spdx_text("BSD-3-Clause").replace("the copyright holder", "Harbour Lights")
    assert identify_license_text(bsd3)[0] == "bsd-3-clause"
    assert identify_license_text(spdx_text("BSD-2-Clause"))[0] == "bsd-2-clause"
    assert identify_license_text(spdx_text("CC-BY-NC-4.0") + NOTICE)[0] == "cc-by-nc-4.0"
    assert identify_license_text(spdx_text("CC-BY-4.0") + NOTICE)[0] == "cc-by-4.0"
    assert identify_license_text(spdx_text("AGPL-3.0-only"))[0] == "agpl-3.0"


def test_a_truncated_license_text():
    assert identify_license_text(APACHE[: len(APACHE) * 2 // 5]) == (
        "apache-2.0", "partial text: 1.00 of it in Apache-2.0 (SPDX text), similarity 0.58")
    # one sentence from the middle is too little to go on, and it has no title
    sentence = ("Unless required by applicable law or agreed to in writing, Licensor provides the Work on an \"AS IS\" "
                "BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.")
    assert identify_license_text(sentence) is None
    # a header alone: its title
    assert identify_license_text("            Apache License\n      Version 2.0, January 2004\n")[0] == "apache-2.0"


def test_license_texts_are_indexed_only_when_one_is_read():
    script = (
        "from pipeline.extract.facts import extract\n"
        "from pipeline.extract.model import ModelInput\n"
        "from pipeline.extract.licenses import _reference_texts\n"
        "extract(ModelInput(repo_id='a/b', readme='---\\nlicense: mit\\n---\\n# M\\n'))\n"
        "print(_reference_texts.cache_info().currsize)\n"
        "extract(ModelInput(repo_id='a/b', license_text='MIT License'))\n"
        "print(_reference_texts.cache_info().currsize)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["0", "1"]


# --- README statements per component ---------------------------------------------------------------------------


def facts_of(readme: str) -> dict:
    return extract(ModelInput(repo_id="org/model", readme=readme)).row


def components(facts: dict) -> list[tuple[str, str, str]]:
    return [(c["component"], c["license_id"], c["source"]) for c in facts["license_components"]]


def test_prose_that_licenses_code_and_weights_apart_contradicts_the_front_matter():
    facts = facts_of("---\nlicense: apache-2.0\n---\n# Model\n\n## License\n\n"
                     "The code is released under MIT and the model weights under CC BY-NC 4.0.\n")
    assert components(facts) == [("unspecified", "apache-2.0", "card_metadata"), ("code", "mit", "readme"),
                                 ("weights", "cc-by-nc-4.0", "readme")]
    # the model's license is the weights' license; the front matter says otherwise: a conflict
    assert (facts["license_id"], facts["license_source"], facts["license_conflict"]) == ("cc-by-nc-4.0", "readme", True)
    assert json.loads(facts["license_declared"]) == (
        "The code is released under MIT and the model weights under CC BY-NC 4.0.")
    assert facts["license_family"] == "creative-commons-nc"


def test_a_license_list_whose_parts_the_body_names():
    facts = facts_of("---\nlicense: [cc-by-nc-4.0, apache-2.0]\n---\n# Model\n\n"
                     "License: Apache 2.0 for the model weights, CC BY-NC 4.0 for the training data.\n")
    # the weights' license, not the least open of the list (which a list without a split still gets)
    assert (facts["license_id"], facts["license_source"], facts["license_conflict"]) == (
        "apache-2.0", "card_metadata", False)
    assert components(facts)[2:] == [("weights", "apache-2.0", "readme"), ("data", "cc-by-nc-4.0", "readme")]
    assert facts_of("---\nlicense: [cc-by-nc-4.0, apache-2.0]\n---\n# Model\n")["license_id"] == "cc-by-nc-4.0"


def test_a_split_that_agrees_with_the_front_matter_is_no_conflict():
    facts = facts_of("---\nlicense: [apache-2.0, cc-by-nc-4.0]\n---\n# M\n\n## License\n\n"
                     "code: Apache-2.0; weights: CC-BY-NC-4.0\n")
    assert (facts["license_id"], facts["license_conflict"]) == ("cc-by-nc-4.0", False)
    # the code's own license does not license the weights: no conflict with the model's license
    facts = facts_of("---\nlicense: cc-by-nc-4.0\n---\n# M\n\nThe training code is licensed under the MIT license.\n")
    assert (facts["license_id"], facts["license_conflict"]) == ("cc-by-nc-4.0", False)
    assert components(facts)[1:] == [("code", "mit", "readme")]


def test_a_component_table():
    facts = facts_of("---\nlicense: apache-2.0\n---\n# Model\n\nWhat is released, and under which terms:\n\n"
                     "| Part | License |\n|---|---|\n| Code | Apache 2.0 |\n| Model weights | CC BY-NC 4.0 |\n"
                     "| Training data | ODC-BY |\n\nMore below.\n")
    assert components(facts) == [("unspecified", "apache-2.0", "card_metadata"), ("code", "apache-2.0", "readme"),
                                 ("weights", "cc-by-nc-4.0", "readme"), ("data", "odc-by", "readme")]
    assert (facts["license_id"], facts["license_conflict"]) == ("cc-by-nc-4.0", True)


def test_a_table_of_dataset_licenses_says_nothing_about_the_model():
    facts = facts_of("---\nlicense: apache-2.0\n---\n# Model\n\n| Dataset | License |\n|---|---|\n"
                     "| Harbour news | CC BY-SA 3.0 |\n| Lighthouse logs | ODC-BY |\n")
    assert components(facts) == [("unspecified", "apache-2.0", "card_metadata")]
    assert facts["license_conflict"] is False


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("The code and weights are released under the MIT license.", [("code", "mit"), ("weights", "mit")]),
        ("The code is under the MIT and BSD-3-Clause licenses, the weights under the OpenRAIL license.",
         [("code", "mit"), ("code", "bsd-3-clause"), ("weights", "openrail")]),
        ("This repository holds code and checkpoints. License: MIT", [("code", "mit"), ("weights", "mit")]),
        ("The dataset is licensed under CC BY 4.0.", [("data", "cc-by-4.0")]),
        ("This model is licensed under Apache-2.0.", [("unspecified", "apache-2.0")]),
    ],
)
def test_components_of_a_license_line(line, expected):
    facts = facts_of(f"# Model\n\n{line}\n")
    assert [(c["component"], c["license_id"]) for c in facts["license_components"]] == expected


def test_a_readme_that_contradicts_itself_about_the_weights():
    facts = facts_of("# Model\n\nThis model is licensed under Apache 2.0.\n\n"
                     "Note: the model weights are licensed under CC BY-NC 4.0.\n")
    assert (facts["license_id"], facts["license_source"], facts["license_conflict"]) == ("cc-by-nc-4.0", "readme", True)


def test_the_suite_checks_the_components_this_module_defines():
    suite = json.loads((REPO / "expectations/model_facts.json").read_text())
    kwargs = [e["kwargs"] for e in suite["expectations"] if e["kwargs"].get("column") == "license_components"]
    regexes = {re.match(r'"(\w+)":', k["regex"]).group(1): k["regex"] for k in kwargs if "regex" in k}
    allowed = {field: re.search(r"\(\?:([^)]*)\)", regex).group(1).split("|") for field, regex in regexes.items()}
    (sources,) = [e["kwargs"]["value_set"] for e in suite["expectations"] if e["kwargs"].get("column") == "license_source"]
    assert allowed == {"component": list(LICENSE_COMPONENTS), "source": [s for s in sources if s != "none"]}
