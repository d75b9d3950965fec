"""The rules pages show each rule's number, and a draft does not change it (issue 22,
item 7: the numbers changed as soon as a draft started, since a draft copies the rules);
the versions page offers to compare what differs."""
from __future__ import annotations

import re

from tests.e2e.test_rules_pages import ADMIN, _post, _sessions, page  # noqa: F401 - fixtures


def _numbers(client, version: str) -> list[str]:  # noqa: ANN001
    """The "#N" of each row of the rules table, in the page's order."""
    html = client.get(f"{ADMIN}?version={version}").get_data(as_text=True)
    return re.findall(r"<td>(?:<a [^>]+>)?#(\d+)", html)


def test_a_rules_number_on_the_pages_stays_when_a_draft_starts_and_is_published(page) -> None:  # noqa: F811
    live = _numbers(page, "live")
    assert len(live) == len(set(live)) > 1
    _post(page, "/draft")
    assert _numbers(page, "draft") == live
    html = page.get(f"{ADMIN}?version=draft&sku=DEMO-120&kind=price_breaks").get_data(as_text=True)
    rule_id, number = re.search(r'/admin/rules/(\d+)"[^>]*>#(\d+)', html).groups()
    assert rule_id != number  # the draft's row is new; its number is the rule's
    edit = page.get(f"{ADMIN}/{rule_id}").get_data(as_text=True)
    assert f"rule #{number}</h1>" in edit and f"Delete rule #{number} from the draft" in edit
    saved = _post(page, f"/{rule_id}", {"kind": "price_breaks", "sku": "DEMO-120", "priority": "0",
                                        "breaks": "2000 @ 110.00"}, follow_redirects=True)
    assert f"Saved rule #{number} to the draft" in saved.get_data(as_text=True)
    changes = page.get(f"{ADMIN}/diff?from=live&to=draft").get_data(as_text=True)
    assert re.search(rf"<span class=\"coa-status\">changed</span> #{number} Price breaks", changes)
    _post(page, "/publish", {"note": "2,000 break"})
    assert _numbers(page, "live") == live == _numbers(page, "1")


def _compare_defaults(client) -> tuple[str, str]:  # noqa: ANN001
    html = client.get(f"{ADMIN}/versions").get_data(as_text=True)
    return tuple(re.search(rf'<select id="d-{name}".*?<option value="(\w+)" selected', html, re.S).group(1)
                 for name in ("from", "to"))


def test_the_versions_page_compares_the_live_rules_with_the_draft_or_else_with_the_version_before(page) -> None:  # noqa: F811
    """With no draft it offered the live version against itself, which shows no change."""
    _post(page, "/draft")
    assert _compare_defaults(page) == ("1", "draft")
    _post(page, "/publish", {"note": "same rules"})
    assert _compare_defaults(page) == ("1", "2")
    _post(page, "/versions/1/rollback")
    assert _compare_defaults(page) == ("2", "3")
