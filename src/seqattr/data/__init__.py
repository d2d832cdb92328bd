"""Dataset sources. Every source ends in the canonical format of `canonical.py`."""
