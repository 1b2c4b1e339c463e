"""The trusted core: variables, information quantities, parameters, statements, hypotheses."""

from derive.core.hypotheses import (
    IID,
    Assume,
    Channel,
    ChannelSpec,
    FunctionOf,
    Hypothesis,
    Independent,
    Markov,
    MutuallyIndependent,
)
from derive.core.linear import LinearForm, joint_entropy, linear_form
from derive.core.parameters import Domain, Parameter, make_parameter
from derive.core.quantities import TV, D, Dist, H, I, h, has_information
from derive.core.statements import Statement
from derive.core.variables import RV, Family, FamilyMember, FamilyRange, RVSet, as_rvset, index_symbol

__all__ = [
    "RV", "Family", "FamilyMember", "FamilyRange", "RVSet", "as_rvset", "index_symbol",
    "H", "I", "D", "TV", "Dist", "h", "has_information",
    "LinearForm", "linear_form", "joint_entropy",
    "Domain", "Parameter", "make_parameter",
    "Statement",
    "Hypothesis", "Markov", "Independent", "MutuallyIndependent", "IID", "Channel", "ChannelSpec",
    "FunctionOf", "Assume",
]
