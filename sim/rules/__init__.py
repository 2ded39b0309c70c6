"""The rule families of the crisis model (see docs/model.md).

Importing the package first points numba's kernel cache at a directory named by a digest of the
rules' sources (``kernel_cache``), so that no kernel runs machine code compiled from older code.
"""

from sim.rules import kernel_cache as kernel_cache  # before any kernel is defined
