"""Publish joint statements in several languages from gettext catalogues."""

__version__ = "0.1.0"
