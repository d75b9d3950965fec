"""A host page that writes the widget's or the quote panel's markup by hand and loads
their script without kit.js (the helpers they share) gets one plain console error naming
what to load, not a TypeError; with kit.js first the same script starts (the macros load
both, in order: docs/integration.md)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

STATIC = Path(__file__).parents[2] / "counteroffer" / "plugin" / "static" / "counteroffer"


def _console(browser: Any, *scripts: str) -> tuple[list[str], list[str]]:
    page = browser.new_page()
    errors: list[str] = []
    page_errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.set_content("<main></main>" + "".join(f"<script>{(STATIC / s).read_text()}</script>" for s in scripts))
    page.close()
    return errors, page_errors


@pytest.mark.parametrize(("script", "needs"), [
    ("widget.js", "kit.js"), ("quote_panel.js", "kit.js and quote_told.js"),
    ("quote_list.js", "kit.js and quote_panel.js")])
def test_a_script_without_its_helpers_says_what_to_load(browser: Any, script: str, needs: str) -> None:
    errors, page_errors = _console(browser, script)
    assert page_errors == []
    [error] = errors
    assert error.startswith(f"Counteroffer: load {needs} before {script} (the ") and error.endswith(" macro does).")


@pytest.mark.parametrize("scripts", [("kit.js", "widget.js"),
                                     ("kit.js", "quote_told.js", "quote_panel.js", "quote_list.js")])
def test_with_its_helpers_first_it_starts_quietly(browser: Any, scripts: tuple[str, ...]) -> None:
    assert _console(browser, *scripts) == ([], [])
