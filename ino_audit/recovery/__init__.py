"""Review and recovery after the audit: records requests, reviewer decisions, adjustments, letters.

See docs/recovery.md. Everything here reads the audit database and writes only its own tables
(`review_*`), which the audit never drops, so decisions survive a re-audit.
"""
