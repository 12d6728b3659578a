"""Statistically valid sampling of audited claims and overpayment extrapolation (contract §5).

`universe` reads an audit's determinations into a sampling frame, `design` stratifies it by paid
amount and sizes and allocates the sample, `draw` numbers every claim and writes the frame, the
sample, the plan and the review worksheet, `estimate` holds the extrapolation statistics and
`extrapolate` reads the reviewed sample and writes extrapolation.json and its printable page.
"""
