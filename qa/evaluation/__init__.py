"""Evaluation tooling for the query side: `qa eval`, `qa calibrate` and their metrics."""
