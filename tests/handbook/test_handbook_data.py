"""The handbook's own data: every template's example passes the checks the library applies to it."""
import pytest

from policycomm.handbook.build import contents


@pytest.mark.parametrize("template", contents()["templates"], ids=lambda t: t["id"])
def test_template_example_passes_its_checks(template):
    if not template["example"]:
        assert not template["checks"], "a template with checks needs an example"
        return
    assert template["checks"], "an example without checks is not checked"
    problems = [str(f) for f in template["findings"] if f.severity != "ok"]
    assert not problems
