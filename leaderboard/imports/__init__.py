"""Importing published results: where they come from (import_sources), the import itself (importer), its schedule (import_schedule); the command is leaderboard/import_results.py."""
