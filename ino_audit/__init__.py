"""ino-audit: retrospective audit of inhaled nitric oxide claims against CP.MP.87."""

__version__ = "0.1.0"
