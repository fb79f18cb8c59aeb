"""The `qa` command line: a thin shell over the pipeline."""

from .main import main

__all__ = ["main"]
