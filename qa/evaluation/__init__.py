"""Offline evaluation: the eval set, metrics, the runner over a pipeline, reports, the regression gate."""
