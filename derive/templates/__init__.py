"""Theorem templates: checked bounds parametrized by a data distribution (``derive bound``)."""

from derive.templates.registry import TEMPLATES, Template
import derive.templates.mixture  # noqa: E402,F401  (registers the `mixture` template)

__all__ = ["TEMPLATES", "Template"]
