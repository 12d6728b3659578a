"""Statistically valid sampling of audited claims and overpayment extrapolation (contract §5).

`universe` reads an audit's determinations into a sampling frame, `config` holds the sample's
options, `sizing` designs the sample (strata, size, allocation) with the statistics of `design`,
`draw` numbers every claim and writes the frame, the sample, the plan and the review worksheet,
`reviewed` reads and checks the frame and the reviewed results, `estimate` holds the
extrapolation statistics and `extrapolate` writes extrapolation.json and its printable page.
"""
