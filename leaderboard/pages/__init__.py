"""One module per part of the page; `leaderboard/ui.py` puts them together."""
