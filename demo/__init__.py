"""The one-command demo: a sample benchmark, small reward models built on the spot, and the real
queue, worker and leaderboard running over them (see `python -m demo --help`)."""
