"""Licenses on values written for these tests: SPDX expressions graded to one Hub id."""

from __future__ import annotations

import pytest

from pipeline.extract.facts import extract
from pipeline.extract.licenses import normalise_license_id
from pipeline.extract.model import ModelInput


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
    facts = extract(ModelInput(repo_id="org/model", readme="---\nlicense: GPL-3.0-only OR MIT\n---\n# M\n")).facts
    assert (facts["license_id"], facts["license_family"], facts["license_osi_approved"]) == ("mit", "permissive", True)
    readme = "---\nlicense: other\nlicense_name: MIT AND CC-BY-NC-4.0\n---\n# M\n"
    facts = extract(ModelInput(repo_id="org/model", readme=readme)).facts
    assert (facts["license_id"], facts["license_family"]) == ("other", "creative-commons-nc")
