"""The rule families of the crisis model (see docs/model.md)."""
