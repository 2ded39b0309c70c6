"""Mesa's core without the rest of ``import mesa`` (``sim.mesa_core``): the engine starts without
SciPy's spatial module, networkx or Mesa's batch runner, and every other user of Mesa in the
process still sees the whole package, the first time it asks."""

from __future__ import annotations

from pathlib import Path

from helpers import ROOT, fresh_python

HEAVY = ["mesa.space", "mesa.batchrunner", "mesa.experimental.continuous_space", "networkx"]
"""What ``import mesa`` brings that the engine does not play with (SciPy's spatial module comes
with the continuous space)."""


def test_a_wargame_command_plays_without_mesas_spaces_and_batch_runner(tmp_path: Path) -> None:
    out = tmp_path / "run"
    lines = fresh_python(
        "import sys\n"
        "from sim.cli import main\n"
        "main(['run', 'scenarios/senkaku_grey_zone.yaml', '--runs', '20', '--workers', '1',\n"
        f"      '--quiet', '--out', {str(out)!r}])\n"
        f"print(*[n for n in {HEAVY!r} if n in sys.modules] or ['none'])\n"
    )
    assert lines[-1] == "none"
    assert (out / "outcomes.parquet").is_file()


def test_a_script_using_the_api_gets_mesa_whole_at_once() -> None:
    lines = fresh_python(
        "import sys\n"
        "from sim.model import WargameModel\n"
        f"print(all(n in sys.modules for n in {HEAVY!r}))\n"
    )
    assert lines == ["True"]


def test_mesa_is_whole_the_first_time_anything_asks() -> None:
    lines = fresh_python(
        "import importlib.metadata\n"
        "from sim import mesa_core\n"
        "mesa_core.defer()\n"
        "import sim.model\n"
        "import mesa\n"
        "from mesa import DataCollector\n"  # a from-import runs the package's __init__
        "print(mesa.__version__ == importlib.metadata.version('mesa'))\n"
        "print(sim.model.WargameModel.__mro__[1] is mesa.Model, sim.model.Agent is mesa.Agent)\n"
        "print(callable(mesa.batch_run), DataCollector is mesa.DataCollector)\n"
        "print(mesa.space.MultiGrid.__name__, mesa.experimental.__name__)\n"
        "print(hasattr(mesa, 'no_such_thing'))\n"
    )
    assert lines == ["True"] * 5 + ["MultiGrid", "mesa.experimental", "False"]


def test_two_threads_asking_at_once_both_get_the_whole_package() -> None:
    lines = fresh_python(
        "import threading\n"
        "from sim import mesa_core\n"
        "mesa_core.defer()\n"
        "import sim.model, mesa\n"
        "got = []\n"
        "ts = [threading.Thread(target=lambda: got.append(mesa.batch_run)) for _ in range(4)]\n"
        "[t.start() for t in ts]; [t.join() for t in ts]\n"
        "print(len(got), len(set(map(id, got))))\n"
    )
    assert lines == ["4", "1"]


def test_a_mesa_imported_first_is_used_as_it_is() -> None:
    lines = fresh_python(
        "import mesa\n"
        "whole = mesa\n"
        "from sim import mesa_core\n"
        "mesa_core.defer()\n"
        "Agent, Model = mesa_core.core()\n"
        "print(mesa_core.whole() is whole, Model is whole.Model, Agent is whole.Agent)\n"
    )
    assert lines == ["True", "True", "True"]


def test_a_models_data_collector_is_made_when_first_used() -> None:
    from sim.model import WargameModel

    scenario = ROOT / "scenarios" / "senkaku_grey_zone.yaml"
    off = WargameModel(scenario, R=1, rng=3, collect=False)
    assert off._datacollector is None  # a Monte Carlo block never makes one
    assert off.datacollector.get_model_vars_dataframe().empty
    on = WargameModel(scenario, R=1, rng=3)
    on.run()
    assert len(on.datacollector.get_model_vars_dataframe()) == on.turn + 1


def test_a_mesa_that_cannot_be_deferred_is_imported_whole() -> None:
    """A Mesa laid out otherwise (here: a package that cannot be deferred) is imported as usual."""
    lines = fresh_python(
        "import sys\n"
        "from sim import mesa_core\n"
        "def refuse(name):\n"
        "    raise ImportError(name)\n"
        "mesa_core._defer = refuse\n"
        "mesa_core.defer()\n"
        "Agent, Model = mesa_core.core()\n"
        "import mesa\n"
        "print('batch_run' in vars(mesa), Model is mesa.Model, 'mesa.space' in sys.modules)\n"
    )
    assert lines == ["True", "True", "True"]
