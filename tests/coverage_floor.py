"""Coverage of ``counteroffer/`` at the end of a test run: lines and branches apart, and
their floors.

pytest-cov measures lines and branches on every run (pyproject.toml: ``addopts`` and
``[tool.coverage.*]``); coverage.py's own total mixes the two, so this plugin prints them
apart with the files that have the most lines never run. A run of the whole suite fails
when either figure is below its floor in ``[tool.counteroffer.coverage]``. Other runs are
not comparable and are not held to the floors: one test or a ``-k`` selection, a run with
failures, or one that skipped tests because PostgreSQL, Redis or Chromium was missing
(CI requires all three, so there the floors always apply).
"""
from __future__ import annotations

import json
import tempfile
import tomllib
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
#: How many of the files with the most lines never run the summary names.
WORST = 6
#: Skip reasons that mean a server or the browser was missing (tests/conftest.py,
#: tests/browser/conftest.py): such a run measures less than the suite can.
MISSING = ("does not answer on 127.0.0.1", "chromium", "playwright")


def floors() -> dict[str, float]:
    with PYPROJECT.open("rb") as file:
        return dict(tomllib.load(file)["tool"]["counteroffer"]["coverage"])


def figures(totals: dict[str, Any]) -> dict[str, tuple[float, int, int]]:
    """Percent, covered and total, for lines and for branches."""
    lines, branches = totals["num_statements"], totals["num_branches"]
    return {"lines": (100 * totals["covered_lines"] / max(lines, 1), totals["covered_lines"], lines),
            "branches": (100 * totals["covered_branches"] / max(branches, 1), totals["covered_branches"], branches)}


class CoverageFloor:
    def __init__(self) -> None:
        self.deselected = 0
        self.missing: set[str] = set()
        self.report: list[str] = []

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        reason = str(report.longrepr[-1]) if report.skipped and isinstance(report.longrepr, tuple) else ""
        self.missing.update(what for what in MISSING if what in reason.lower())

    # After pytest-cov's own wrapper has stopped and saved the measurement (tryfirst: outer).
    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        result = yield
        cov_plugin = session.config.pluginmanager.getplugin("_cov")
        controller = getattr(cov_plugin, "cov_controller", None)
        if controller is None or session.config.option.collectonly:
            return result  # --no-cov, or nothing ran
        totals, worst = self._read(controller.cov)
        measured = figures(totals)
        self.report = [", ".join(f"{name} {pct:.2f}% ({covered:,} of {total:,})"
                                 for name, (pct, covered, total) in measured.items()),
                       "most lines never run: " + ", ".join(f"{path} {count}" for path, count in worst),
                       "(`.venv/bin/coverage report -m` lists every file)"]
        unheld = self._why_not_held(session)
        if unheld:
            self.report.append(f"floors not checked: {unheld}")
            return result
        below = [f"{name} {measured[name][0]:.2f}% is below the floor of {floor}"
                 for name, floor in floors().items() if measured[name][0] < floor]
        held = ", ".join(f"{name} {floor}%" for name, floor in floors().items())
        self.report.append("FAIL: " + "; ".join(below) + " ([tool.counteroffer.coverage] in pyproject.toml)"
                           if below else f"floors reached: {held}")
        session.testsfailed += bool(below)
        return result

    def _read(self, cov: Any) -> tuple[dict[str, Any], list[tuple[str, int]]]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "coverage.json"
            cov.json_report(outfile=str(path))
            data = json.loads(path.read_text())
        missed = sorted(((name, len(file["missing_lines"])) for name, file in data["files"].items()),
                        key=lambda pair: -pair[1])
        return data["totals"], [pair for pair in missed[:WORST] if pair[1]]

    def _why_not_held(self, session: pytest.Session) -> str:
        config = session.config
        if config.args_source is not pytest.Config.ArgsSource.TESTPATHS or self.deselected:
            return "not the whole suite"
        if session.testsfailed:
            return "tests failed"
        if self.missing:
            return "tests skipped for want of " + ", ".join(sorted(self.missing))
        return ""

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.report:
            terminalreporter.write_sep("-", "coverage of counteroffer/")
            for line in self.report:
                terminalreporter.write_line(line, red=line.startswith("FAIL"))


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(CoverageFloor(), "counteroffer_coverage_floor")
