"""A run's folder: its manifest, block files, outcome tables and summary, and how to read them back.

Layout of ``runs/<scenario>-<UTC time>-<hash>/``::

    manifest.json        what was run (scenario, overrides, seed, block size, versions) and status
    blocks/              one Parquet file per finished block while the run is under way
    outcomes.parquet     one row per replicate, in block order (when complete)
    trajectories.parquet rung per actor per turn per replicate (with --trajectories)
    summary.json         count, share, 95% Wilson interval and standard error per outcome

While a run (or sweep) is under way its folder is locked (``fcntl.flock`` on the folder itself, so no
lock file is left behind; the operating system releases it when the process ends, even on
``kill -9``): a second process resuming the same folder is refused in one line.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sim.errors import RunError
from sim.files import describe_os_error, write_json_atomic, write_text_atomic

__all__ = [
    "RunDir",
    "describe_os_error",  # re-exported from sim.files
    "write_json_atomic",
    "write_text_atomic",
]

FORMAT_VERSION = 1


def now() -> str:
    """UTC time, ISO 8601, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and no spaces: the text that hashes identify."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def short_hash(data: Any, n: int = 8) -> str:
    """The first ``n`` hex digits of the SHA-256 of ``data``'s canonical JSON (stable names)."""
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()[:n]


def versions() -> dict[str, str]:
    """Versions of Python and of the packages that decide the numbers."""
    out = {"python": platform.python_version(), "platform": platform.platform()}
    for pkg in ("alliance-wargame", "mesa", "numpy", "pydantic", "pyyaml", "pyarrow"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            out[pkg] = "unknown"
    return out


@dataclass
class RunDir:
    """Paths inside a run folder and its manifest. ``created``: the topmost folder that starting
    this run created (None for a folder that already existed, e.g. one being resumed)."""

    path: Path
    created: Path | None = field(default=None, compare=False, repr=False)
    unit = "block"

    def kept(self) -> int:
        """Finished blocks on disk (what a resume would not run again)."""
        return len(self.finished_blocks())

    @contextmanager
    def lock(self, resume: str) -> Iterator[None]:
        """Hold an exclusive lock on the folder while the body runs; refuse (one line) if another
        process holds it. ``resume`` names the command, for the message."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory locks, run unlocked
            yield
            return
        fd = os.open(self.path, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RunError(
                    f"{self.path}: already being run or resumed by another process "
                    f"(`{resume}` refused); wait for it to finish, or stop it and resume again"
                ) from None
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    @property
    def manifest_path(self) -> Path:
        """manifest.json: what was asked, the versions and the status."""
        return self.path / "manifest.json"

    @property
    def blocks(self) -> Path:
        """The folder of finished blocks, the units a run is resumed from."""
        return self.path / "blocks"

    @property
    def outcomes(self) -> Path:
        """outcomes.parquet: one row per replicate."""
        return self.path / "outcomes.parquet"

    @property
    def trajectories(self) -> Path:
        """trajectories.parquet: rung per actor per turn (runs with --trajectories)."""
        return self.path / "trajectories.parquet"

    @property
    def summary_path(self) -> Path:
        """summary.json: the outcome shares with intervals and the vocabulary."""
        return self.path / "summary.json"

    def block_file(self, i: int) -> Path:
        """Block ``i``'s outcome rows, named so that blocks sort in order."""
        return self.blocks / f"block-{i:06d}.parquet"

    def trajectory_file(self, i: int) -> Path:
        """Block ``i``'s trajectory rows."""
        return self.blocks / f"traj-{i:06d}.parquet"

    def finished_blocks(self) -> set[int]:
        """Indices of blocks whose file is whole (final name) on disk."""
        if not self.blocks.is_dir():
            return set()
        return {int(p.stem.split("-")[1]) for p in self.blocks.glob("block-*.parquet")}

    def manifest(self) -> dict[str, Any]:
        """The manifest, read and checked (a one-line error if it is missing or broken)."""
        return read_manifest(self.path)

    def save_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest atomically (a reader never sees half of it)."""
        write_json_atomic(manifest, self.manifest_path)

    def summary(self) -> dict[str, Any]:
        """summary.json as data; a one-line error if it cannot be read."""
        try:
            return json.loads(self.summary_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RunError(f"{self.path}: cannot read summary.json ({exc})") from None


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of a run folder, or a one-line ``RunError`` saying what is wrong."""
    if not path.exists():
        raise RunError(f"{path}: no such run directory")
    if not path.is_dir():
        raise RunError(f"{path}: not a directory (expected a run folder from `wargame run`)")
    mf = path / "manifest.json"
    if not mf.exists():
        raise RunError(f"{path}: not a run directory (no manifest.json)")
    try:
        data = json.loads(mf.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunError(f"{mf}: unreadable manifest ({exc})") from None
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        raise RunError(f"{mf}: not a manifest of this version of alliance-wargame")
    return data


def require_complete(path: Path) -> RunDir:
    """A run folder whose run finished; otherwise a one-line error pointing to --resume."""
    rd = RunDir(path)
    m = rd.manifest()
    if m.get("kind") == "sweep":
        raise RunError(f"{path}: a sweep folder, not a run; its report: wargame analyse {path}")
    if m.get("status") != "complete":
        raise RunError(f"{path}: run is incomplete; finish it with `wargame run --resume {path}`")
    if not rd.outcomes.exists():
        raise RunError(f"{path}: outcomes.parquet is missing")
    return rd


def command_line() -> list[str]:
    """The command as typed (program name and arguments), recorded in manifests."""
    return [Path(sys.argv[0]).name, *sys.argv[1:]]
