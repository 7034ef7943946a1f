"""Tidings core: the package every Lambda function imports through the core layer."""

__version__ = "0.1.0"
