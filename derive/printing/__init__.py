"""Printing: certificates as readable proofs (text and LaTeX)."""
