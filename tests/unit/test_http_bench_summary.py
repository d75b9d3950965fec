"""bench/http_bench.py's arithmetic: the ratios and goals its JSON line reports, and the
order its compared loads take turns in (no server started here)."""
from __future__ import annotations

import argparse

from bench import http_bench
from bench.http_bench import WrkResult, summary


def result(rps: float, p99_ms: float) -> WrkResult:
    return WrkResult(rps=rps, p99_ms=p99_ms, requests=int(rps), error_status=0, unexpected_status=0,
                     socket_errors={})


ARGS = argparse.Namespace(duration=8, connections=32, threads=2)


def test_the_demo_is_reported_against_the_minimal_endpoint_and_bare_flask():
    runs = {"bare": result(4000, 10), "demo": result(800, 40), "escalating": result(760, 44),
            "guarded": result(900, 36), "minimal": result(1000, 30)}
    line = summary("postgres", runs, ARGS)
    assert (line["ratio_vs_minimal"], line["ratio_p99_vs_minimal"]) == (0.8, 1.333)
    assert (line["ratio_guarded_vs_minimal"], line["ratio_p99_guarded_vs_minimal"]) == (0.9, 1.2)
    assert line["ratio_vs_guarded"] == 0.8889
    assert (line["minimal_ratio_rps"], line["bare_goal_applies"]) == (0.25, True)
    assert line["meets_minimal_goal"] and line["meets_escalating_goal"] and line["meets_goal"]
    runs["demo"] = result(700, 40)  # 0.70 of the minimal: below the 0.75 goal
    assert not summary("postgres", runs, ARGS)["meets_minimal_goal"]
    runs["minimal"] = result(800, 30)  # the reference itself below 0.25 of bare
    assert summary("postgres", runs, ARGS)["bare_goal_applies"] is False
    assert list(summary("postgres", runs, ARGS))[-1] == "ratio_escalating"


def test_compared_loads_take_turns_forward_and_back(monkeypatch):
    order: list[str] = []
    monkeypatch.setattr(http_bench, "run_wrk",
                        lambda server, script, seconds, args: order.append(server) or result(100, 5))
    loads = {name: (name, None) for name in ("demo", "escalating", "minimal")}
    found = http_bench.alternate(loads, ARGS)
    assert order == ["demo", "escalating", "minimal", "minimal", "escalating", "demo"] * 2
    assert set(found) == set(loads) and all(r.requests == 400 for r in found.values())
