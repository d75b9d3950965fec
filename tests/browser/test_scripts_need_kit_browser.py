"""A host page that writes the widget's or the quote panel's markup by hand and loads a
script without what it needs (kit.js, the helpers they share, or a part split out of it)
gets one plain console error naming what to load, not a TypeError; with those first the
same script starts (the macros load them, in order: docs/integration.md)."""
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
    ("widget_terms.js", "kit.js"), ("widget_told.js", "kit.js"),
    ("widget.js", "kit.js, widget_terms.js and widget_told.js"),
    ("quote_told.js", "kit.js"), ("quote_view.js", "kit.js"),
    ("quote_panel.js", "kit.js, quote_told.js and quote_view.js"),
    ("quote_list.js", "kit.js and quote_view.js")])
def test_a_script_without_its_helpers_says_what_to_load(browser: Any, script: str, needs: str) -> None:
    errors, page_errors = _console(browser, script)
    assert page_errors == []
    [error] = errors
    assert error.startswith(f"Counteroffer: load {needs} before {script} (the ")
    assert error.endswith((" macro does).", " macros do)."))


@pytest.mark.parametrize("scripts", [("kit.js", "widget_terms.js", "widget_told.js", "widget.js"),
                                     ("kit.js", "quote_told.js", "quote_view.js", "quote_panel.js"),
                                     ("kit.js", "quote_view.js", "quote_list.js")])
def test_with_its_helpers_first_it_starts_quietly(browser: Any, scripts: tuple[str, ...]) -> None:
    assert _console(browser, *scripts) == ([], [])


@pytest.mark.parametrize(("scripts", "script", "needs"), [
    (("kit.js", "widget_told.js"), "widget.js", "kit.js, widget_terms.js and widget_told.js"),
    (("kit.js", "widget_terms.js"), "widget.js", "kit.js, widget_terms.js and widget_told.js"),
    (("kit.js", "quote_told.js"), "quote_panel.js", "kit.js, quote_told.js and quote_view.js"),
    (("kit.js", "quote_view.js"), "quote_panel.js", "kit.js, quote_told.js and quote_view.js")])
def test_kit_alone_is_not_enough_for_a_split_script(browser: Any, scripts: tuple[str, ...], script: str,
                                                    needs: str) -> None:
    """kit.js loaded but one of the script's own parts forgotten: still one error naming them all."""
    errors, page_errors = _console(browser, *scripts, script)
    assert page_errors == []
    [error] = errors
    assert error.startswith(f"Counteroffer: load {needs} before {script} (the ")
