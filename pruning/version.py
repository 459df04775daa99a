"""The package version, recorded in every exported model file."""

__version__ = "0.2.0"
