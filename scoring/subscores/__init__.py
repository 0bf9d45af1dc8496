"""The three sub-scores, each 0–100 against the athlete's own baselines: nervous-system stress,
physical stiffness (typed: training load or inactivity) and warmth."""
