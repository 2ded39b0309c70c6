"""Mesa's ``Model`` and ``Agent`` without the rest of ``import mesa``, in the engine's own processes.

``import mesa`` runs the package's ``__init__``, which imports every sub-package: the spaces
(SciPy, networkx), the batch runner and the data collector (pandas). The engine needs only
``mesa.model`` and ``mesa.agent`` to play, yet the whole import was 0.8 s of the 1.4 s a
``wargame`` command or a spawned worker spent importing on the 2-core machine of
docs/performance.md (Mesa 3.3; with Mesa 3.5, whose model imports pandas itself, 0.87 s of which
0.42 s remain).

A process that opts in with :func:`defer` (the ``wargame`` command, the engine's pool workers:
processes in which every import of Mesa is the engine's) imports the packages ``mesa`` and
``mesa.experimental`` without running their ``__init__``, then only the modules the engine plays
with. Each package's ``__init__`` runs, whole and once, the first time anything asks it for an
attribute it lacks (a module ``__getattr__``, PEP 562): ``mesa.batch_run``, ``from mesa import
DataCollector``, ``mesa.__version__``; the engine asks through :func:`whole` before it imports
any other Mesa module (a Mesa module that imports ``mesa`` while that ``__init__`` imports it
would meet a half-made module). Every other process (a user's script or notebook calling the API)
imports Mesa as usual, as does one that had imported Mesa already or whose Mesa is laid out
otherwise.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

__all__ = ["DEFERRED", "core", "defer", "whole"]

DEFERRED = ("mesa", "mesa.experimental")
"""Packages whose ``__init__`` waits for the first attribute asked of them (parents first)."""
_lock = threading.RLock()
_deferring = False


def defer() -> None:
    """Opt this process in (see the module's docstring); call it before the engine is imported."""
    global _deferring
    _deferring = True


def core() -> tuple[type, type]:
    """``(mesa.Agent, mesa.Model)``; in a process that opted in (:func:`defer`), without running
    Mesa's ``__init__`` if it has not run yet."""
    with _lock:
        if _deferring and "mesa" not in sys.modules:
            try:
                for name in DEFERRED:
                    _defer(name)
                importlib.import_module("mesa.agent")
                importlib.import_module("mesa.model")
            except Exception:  # a Mesa laid out otherwise: the usual import, whole
                for name in [n for n in sys.modules if n == "mesa" or n.startswith("mesa.")]:
                    del sys.modules[name]
        if "mesa" not in sys.modules:
            importlib.import_module("mesa")
    return sys.modules["mesa.agent"].Agent, sys.modules["mesa.model"].Model


def whole() -> ModuleType:
    """The ``mesa`` package with its ``__init__`` run: call before importing any Mesa module
    the engine does not play with (its data collector, ``batch_run``, SolaraViz)."""
    mesa = importlib.import_module("mesa")
    for name in DEFERRED:  # asking for a name no package has runs a deferred __init__
        getattr(sys.modules.get(name), "_wargame_whole_", None)
    return mesa


def _defer(name: str) -> None:
    """Put package ``name`` in ``sys.modules`` without running its ``__init__``; the first
    attribute asked of it that it lacks runs the ``__init__`` (under :data:`_lock`)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise ImportError(f"{name} is not a package here")
    module = importlib.util.module_from_spec(spec)
    running = False

    def __getattr__(attr: str) -> Any:
        nonlocal running
        with _lock:  # another thread asking meanwhile waits here, then finds the init done
            if not running and "__getattr__" in vars(module):
                running = True  # this thread, asking again mid-init, gets a plain miss below
                try:
                    spec.loader.exec_module(module)  # type: ignore[union-attr]
                finally:
                    del module.__getattr__
        if attr in vars(module):
            return vars(module)[attr]
        raise AttributeError(f"module {name!r} has no attribute {attr!r}")

    module.__getattr__ = __getattr__  # type: ignore[attr-defined]
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
