"""Proof files and derive's expression language: parse (:mod:`.grammar`), read (:mod:`.reader`), write (:mod:`.writer`)."""

from derive.io.grammar import (
    ParseContext,
    parse_channel,
    parse_channel_spec,
    parse_domain,
    parse_expression,
    parse_family_condition,
    parse_function_of,
    parse_independence,
    parse_markov,
    parse_range,
    parse_statement,
)

__all__ = [
    "ParseContext",
    "parse_expression",
    "parse_statement",
    "parse_markov",
    "parse_independence",
    "parse_family_condition",
    "parse_channel",
    "parse_channel_spec",
    "parse_function_of",
    "parse_domain",
    "parse_range",
]

from derive.io.reader import find_proof_files, read_proof, read_proof_text  # noqa: E402
from derive.io.writer import (  # noqa: E402
    format_domain,
    format_expression,
    format_hypothesis,
    format_statement,
    write_proof,
)

__all__ += [
    "read_proof",
    "read_proof_text",
    "find_proof_files",
    "format_expression",
    "format_statement",
    "format_hypothesis",
    "format_domain",
    "write_proof",
]
