"""Where the compiled kernels are cached: a directory named by a digest of every rules source file.

numba keys a cached kernel on its own module's time stamp only, not on the modules whose
functions it compiles into it (``streams``, ``pairs``, ``segments``...): after an edit to a helper,
or a ``git pull`` that changed one, every caller whose own file did not change would load its
old machine code, and a run would not be the run of the code on disk. So the cache lives in
``<base>/rules-<digest>``, the digest of the contents of every ``.py`` file of ``sim/rules``: new
code, new directory, everything compiled afresh once (``sim.runner.kernels`` spreads that over
the cores). ``<base>`` is ``NUMBA_CACHE_DIR`` when set, else ``sim/rules/__pycache__/kernels``
(or ``~/.cache/alliance-wargame/kernels`` where the package is read-only). In that default
place, directories of older sources are removed as a new one is made.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numba

RULES = Path(__file__).resolve().parent
PREFIX = "rules-"


def digest(root: Path = RULES) -> str:
    """16 hex digits of the SHA-256 of every ``.py`` file under ``root`` (paths and contents)."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _default_base() -> tuple[Path, bool]:
    """The in-tree base if writable, else the user's cache; and whether it is ours to prune."""
    tree = RULES / "__pycache__" / "kernels"
    try:
        tree.mkdir(parents=True, exist_ok=True)
        if os.access(tree, os.W_OK):
            return tree, True
    except OSError:
        pass
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return home / "alliance-wargame" / "kernels", False


def configure() -> Path:
    """Point numba's cache at this source's directory (before any kernel is defined); returns it."""
    given = os.environ.get("NUMBA_CACHE_DIR")
    base, prune = (Path(given), False) if given else _default_base()
    here = base / f"{PREFIX}{digest()}"
    if prune and not here.exists():
        for old in base.glob(f"{PREFIX}*"):
            shutil.rmtree(old, ignore_errors=True)
    numba.config.CACHE_DIR = str(here)
    return here


CACHE = configure()
