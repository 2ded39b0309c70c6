"""Helpers shared by the test modules, imported as ``helpers`` from every tests/<package>/ folder
(pyproject's ``[tool.pytest.ini_options] pythonpath = ["tests"]`` puts tests/ on sys.path)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]  # the repository
FIXTURES = ROOT / "tests" / "fixtures"  # shared input files (scenarios, sweeps, history cases)
# ``wargame run`` options for blocks one after the other in the caller's thread, in block order
# (``--workers 1`` alone plays ``--threads`` blocks at once): for tests of what is kept when
SERIAL = ("--workers", "1", "--threads", "1")


def sim_digest() -> str:
    """Hash of the sim/ sources on disk (the kernel cache's digest, over the whole package)."""
    from sim.rules.kernel_cache import digest

    return digest(ROOT / "sim")


SIM_AT_START = sim_digest()  # sim/ was imported when the first test module was collected


def assert_same_file(a: Path, b: Path) -> None:
    """Byte-identical files. Another process (worker, subprocess) imports sim/ from disk: if
    sim/ was edited during the test session, a difference says nothing about determinism."""
    if a.read_bytes() != b.read_bytes() and sim_digest() != SIM_AT_START:
        pytest.skip("sim/ changed on disk during the test session; cross-process bytes differ")
    assert a.read_bytes() == b.read_bytes(), f"{a} and {b} differ"


class Server:
    """A ``wargame serve`` subprocess on a free port (its facilitator token is fixed)."""

    def __init__(
        self,
        games: Path,
        token: str = "facilitator-token",
        aar_runs: int = 400,
        scenario: str | None = None,
    ) -> None:
        import os
        import socket
        import subprocess
        import sys
        import time
        import urllib.request

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.token = token
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = games.parent / f"serve-{self.port}.log"
        cmd = [sys.executable, "-m", "sim.cli", "serve", "--port", str(self.port)]
        cmd += ["--token", token, "--games", str(games), "--aar-runs", str(aar_runs)]
        cmd += [scenario] if scenario else []
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/readyz", timeout=2)
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    log = self.log.read_text()
                    raise RuntimeError(f"wargame serve did not start:\n{log}") from None
                time.sleep(0.3)

    def request(self, method: str, path: str, body: bytes | str | dict | None = None):
        """(status, decoded JSON) of one request; ``body`` sent as is unless it is a dict."""
        import json
        import urllib.error
        import urllib.request

        if isinstance(body, dict):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        req = urllib.request.Request(f"{self.url}{path}", data=body, method=method)
        req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except Exception:
            self.proc.kill()


def assert_rows_are_the_direct_run(rows: list[dict], direct: object) -> None:
    """``mesa.batch_run``'s rows of one world agree with ``direct``, the same model run to its end.

    Mesa 3.3's batch_run reads the collector at index ``steps - 1`` (mesa issue #2514), i.e. one
    turn before the end when the model also collects at start-up, so the rows are compared with the
    direct run's record at their Step."""
    recorded = direct.datacollector.get_model_vars_dataframe()  # type: ignore[attr-defined]
    steps = {r["Step"] for r in rows}
    assert len(steps) == 1
    step = steps.pop()
    # sim.runner.batch.BatchModel takes one extra step after its world ends (its final state is
    # recorded twice), so on Mesa 3.5 the Step is one past the direct run's last turn
    assert direct.turn - 1 <= step <= direct.turn + 1  # type: ignore[attr-defined]
    at = min(int(step), len(recorded) - 1)
    assert {r["turn"] for r in rows} == {int(recorded["turn"].iloc[at])}
    assert {r["max_rung"] for r in rows} == {int(recorded["max_rung"].iloc[at])}


def worker_pids(pid: int) -> list[int]:
    """Pool workers among the children of ``pid`` (not the resource tracker): spawned ones run
    ``spawn_main``, forked ones still have their parent's command line."""
    own = Path(f"/proc/{pid}/cmdline").read_bytes()
    kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    out = []
    for k in kids:
        cmd = Path(f"/proc/{k}/cmdline").read_bytes()
        if b"spawn_main" in cmd or cmd == own:
            out.append(int(k))
    return out


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one non-blank line a command wrote on stderr (and no traceback)."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def die_halfway_through_a_result() -> None:  # pragma: no cover - runs in a pool worker
    """Task: what a worker killed while it writes a result leaves behind, made certain: the
    header of a 1 MiB message and 100 bytes of it in the result pipe, then the worker is gone."""
    import os
    import signal
    import struct
    import sys

    frame = sys._getframe()
    while frame.f_code.co_name != "_process_worker":  # concurrent.futures' worker loop
        frame = frame.f_back
    writer = frame.f_locals["result_queue"]._writer
    writer._send(struct.pack("!i", 1 << 20) + b"x" * 100)
    os.kill(os.getpid(), signal.SIGKILL)


def fresh_python(code: str) -> list[str]:
    """Run ``code`` in a new interpreter at the repository root (this one has imported Mesa and
    numba as the tests left them); its output, split on whitespace."""
    import os
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()
