"""The channel modules' name for :mod:`derive.numeric.exact`, which owns exact numbers and outward rounding.

Nothing is defined here; modules still importing ``derive.channels.exact`` (``tilt``, ``tilt_multi``,
``coefficients``, ``report``, ``templates.singletons``, ``commands.bound``) can switch to the owner and
this module can then go.
"""

from derive.numeric.exact import *  # noqa: F401,F403
from derive.numeric.exact import __all__  # noqa: F401
