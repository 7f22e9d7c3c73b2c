"""The CCG profile: one CCG's target, gap and spend per head against the panel."""
