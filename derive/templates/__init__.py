"""Theorem templates: checked bounds parametrized by a data distribution (``derive bound``)."""

from derive.templates.clusters import TEMPLATES, Template

__all__ = ["TEMPLATES", "Template"]
