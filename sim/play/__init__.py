"""Facilitated play: the game engine with teams and tokens, the terminal game, the after-action review."""
