"""bench/http_bench.py's load generator: the Lua script wrk sends, one wrk run, and its
output read and checked (any answer but 201 or a socket error stops the run)."""
from __future__ import annotations

import argparse
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.http_bench_common import ENDPOINT, EXPECTED_STATUS, BenchError
from bench.http_bench_servers import Server

WRK_TIMEOUT = "10s"  # longer than any sane p99, so slow requests are measured, not dropped
TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass(frozen=True)
class WrkResult:
    rps: float
    p99_ms: float
    requests: int
    error_status: int  # wrk's own count: status >= 400
    unexpected_status: int  # our Lua count: anything but 201, redirects included
    socket_errors: dict[str, int]


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_script(cookie: str, body: dict) -> str:
    # wrk counts only statuses >= 400 as errors; response() also catches redirects
    # (e.g. to a login page), and done() adds up the per-thread counts.
    return f"""
wrk.method = "POST"
wrk.body = {lua_string(json.dumps(body))}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = {lua_string(cookie)}

local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) unexpected = 0 end
function response(status, headers, body)
  if status ~= {EXPECTED_STATUS} then unexpected = unexpected + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("unexpected") end
  io.write(string.format("UNEXPECTED_STATUS %d\\n", total))
end
"""


def run_wrk(server: Server, script: Path, duration: int, args: argparse.Namespace) -> WrkResult:
    command = ["wrk", "--latency", "--threads", str(args.threads), "--connections",
               str(args.connections), "--duration", f"{duration}s", "--timeout", WRK_TIMEOUT,
               "--script", str(script), server.base_url + ENDPOINT]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60,
                          check=False)
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    result = parse_wrk(done.stdout)
    require_clean(server, result, done.stdout)
    return result


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
    total = re.search(r"^\s*(\d+) requests in", output, re.M)
    if not (rps and p99 and total):
        raise BenchError(f"could not read wrk's output:\n{output}")
    return WrkResult(
        rps=float(rps.group(1)),
        p99_ms=float(p99.group(1)) * TIME_UNITS_MS[p99.group(2)],
        requests=int(total.group(1)),
        error_status=count(r"Non-2xx or 3xx responses:\s+(\d+)", output),
        unexpected_status=count(r"UNEXPECTED_STATUS (\d+)", output),
        socket_errors=socket_errors(output),
    )


def count(pattern: str, output: str) -> int:
    found = re.search(pattern, output)
    return int(found.group(1)) if found else 0


def socket_errors(output: str) -> dict[str, int]:
    found = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                      output)
    values = map(int, found.groups()) if found else (0, 0, 0, 0)
    return dict(zip(("connect", "read", "write", "timeout"), values, strict=True))


def require_clean(server: Server, result: WrkResult, output: str) -> None:
    problems = []
    if result.requests == 0:
        problems.append("no request completed")
    if result.error_status or result.unexpected_status:
        problems.append(f"{max(result.error_status, result.unexpected_status)} answers were "
                        f"not {EXPECTED_STATUS}")
    if any(result.socket_errors.values()):
        problems.append(f"socket errors {result.socket_errors}")
    if problems:
        raise BenchError(f"{server.name} under load: {'; '.join(problems)}; its figures would "
                         f"be meaningless.\n{output}\n{server.log_tail()}")


def write_script(work: Path, name: str, cookie: str, body: dict) -> Path:
    script = work / f"{name}.lua"
    script.write_text(wrk_script(cookie, body))
    return script
