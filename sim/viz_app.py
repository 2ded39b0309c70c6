"""Compatibility name of ``sim.serve.viz_app`` (``solara run sim.viz_app`` still works)."""

from sim.serve.viz_app import page

__all__ = ["page"]
