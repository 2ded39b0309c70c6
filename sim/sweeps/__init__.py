"""Parameter sweeps: sweep files, designs, execution on local processes or Dask, analysis."""
