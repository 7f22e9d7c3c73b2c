"""Derivations of the claims of HSJ, DH QIPP tracker, Q1 2012-13."""

from __future__ import annotations

from qipp.derivations.arithmetic import share_pct, total
from qipp.derivations.model import Derivation

REGISTRY: tuple[Derivation, ...] = (
    Derivation(
        "tracker_total_1115_gbp_bn",
        (
            "tracker_2011_12_gbp_bn",
            "tracker_2012_13_gbp_bn",
            "tracker_2013_14_gbp_bn",
            "tracker_2014_15_gbp_bn",
        ),
        total,
        "{tracker_2011_12_gbp_bn} + {tracker_2012_13_gbp_bn} + "
        "{tracker_2013_14_gbp_bn} + {tracker_2014_15_gbp_bn}",
    ),
    Derivation(
        "tracker_local_share_yrs2_4_pct",
        (
            "tracker_local_yrs2_4_gbp_bn",
            "tracker_2012_13_gbp_bn",
            "tracker_2013_14_gbp_bn",
            "tracker_2014_15_gbp_bn",
        ),
        lambda local, y2, y3, y4: share_pct(local, total(y2, y3, y4)),
        "100 x {tracker_local_yrs2_4_gbp_bn} / ({tracker_2012_13_gbp_bn} + "
        "{tracker_2013_14_gbp_bn} + {tracker_2014_15_gbp_bn})",
        "the saving required in years two to four is the tracker's annual totals for 2012-13 "
        "to 2014-15; six areas gave no local figure and two only part of one",
    ),
    Derivation(
        "tracker_local_share_headline_pct",
        ("tracker_local_share_yrs2_4_pct",),
        lambda x: x,
        "local share of years two to four: {tracker_local_share_yrs2_4_pct}",
        "'all savings' read as years two to four, the only period given a local share",
    ),
    Derivation(
        "tracker_2011_12_gbp_bn",
        ("dh_savings_2011_12_gbp_bn",),
        lambda x: x,
        "DH's announced {dh_savings_2011_12_gbp_bn} for the same year",
        "",
        "the article itself says the tracker's totals 'do not match' DH's £5.8bn. The tracker "
        "holds PCTs' own QIPP figures gathered for plan monitoring, while the £5.8bn is DH's "
        "NHS-wide total announced after the year; the NAO could substantiate only £3.4bn of "
        "it, nearer the tracker's £3.8bn",
    ),
    Derivation(
        "dh_savings_2011_12_gbp_bn",
        ("nao_dh_reported_savings_2011_12_gbp_bn",),
        lambda x: x,
        "NAO: DH reported {nao_dh_reported_savings_2011_12_gbp_bn}",
        "cross-source: NAO HC 686 gives the same reported figure (forecast £5.9bn; "
        "£3.4bn substantiated)",
    ),
)
