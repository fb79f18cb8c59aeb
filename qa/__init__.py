"""Question answering with citations over Chinese IP news and policy documents."""

__version__ = "0.1.0"
