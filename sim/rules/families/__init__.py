"""The rule families of the crisis model, one module each (docs/model.md states their rules).

Their order is the registry's (sim/rules/registry.py), not this package's.
"""
