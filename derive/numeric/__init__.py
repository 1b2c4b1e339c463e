"""Numeric verification (untrusted: yields ``tested``, never ``proved``)."""
