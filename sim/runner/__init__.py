"""Running scenarios: Monte Carlo blocks, benchmarks and checks."""
