"""Names of the Leaderboard columns that come from per-example files (`examples/example_marks.py` fills
them in a view's rows; `display.py` shows them), kept apart so both can import them without a cycle."""

SIGNIFICANT = "Sig. vs above"
SIGNIFICANT_NOTE = "Sig. vs above note"
LONGER_PREFERRED = "Prefers longer"
