"""Thin routes, one module per resource."""
