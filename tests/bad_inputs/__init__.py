"""Bad-input corpus: a generator of damaged extracts and the outcome each must give."""
