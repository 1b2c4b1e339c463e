"""``derive eta CHANNEL [--input DIST] [--json] [--dps D] [--budget SECONDS]``: contraction coefficients of a channel.

Channels: ``bsc:0.1``, ``bec:0.3``, ``z:0.3``, ``qsc:3:0.2``, ``awgn:3``, ``matrix:[[0.9,0.1],[0.2,0.8]]``
(or ``BSC(1/10)``). Inputs: ``uniform``, ``bern:0.1``, ``[0.3,0.7]`` (``gaussian`` for AWGN, its default).

Exit codes: 0 success; 2 bad input (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json

__all__ = ["register", "cmd_eta"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``eta`` subcommand."""
    e = subparsers.add_parser(
        "eta", help="contraction coefficients eta_TV, eta_chi2, eta_KL of a channel (certified brackets)",
        description="Contraction coefficients of a channel: eta_TV (Dobrushin, exact), eta_chi2 (maximal "
                    "correlation) and eta_KL as a certified bracket, input-free or for a given input.")
    e.add_argument("channel", metavar="CHANNEL",
                   help="bsc:0.1 | bec:0.3 | z:0.3 | qsc:3:0.2 | awgn:3 | matrix:[[0.9,0.1],[0.2,0.8]]")
    e.add_argument("--input", dest="input", default=None, metavar="DIST",
                   help="input distribution: uniform | bern:0.1 | [0.3,0.7] (default: input-free)")
    e.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    e.add_argument("--dps", type=int, default=50, help="decimal digits of the high-precision values (default 50)")
    e.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                   help="nominal seconds of counted work for the eta_KL search at a fixed input with three or more "
                        "symbols (default 2; the same value gives the same bracket on any machine; more only narrows "
                        "the certified bracket)")
    e.set_defaults(func=cmd_eta)


def cmd_eta(args: argparse.Namespace) -> int:
    from derive.channels.library import AWGN
    from derive.channels.report import eta_report, format_report
    from derive.channels.spec import parse_channel_arg, parse_input_arg

    K = parse_channel_arg(args.channel)
    P = None
    if args.input is not None:
        P = parse_input_arg(args.input, None if isinstance(K, AWGN) else K.shape[0])
    rep = eta_report(K, P, dps=args.dps) if args.budget is None else eta_report(K, P, dps=args.dps, budget=args.budget)
    if args.json:
        print(json.dumps(rep, indent=2, ensure_ascii=False))
    else:
        print(format_report(rep))
    return 0
