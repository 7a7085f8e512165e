"""Speed and memory figures of the pipeline: `make bench` / `python -m bench` (see bench/RESULTS.md)."""
