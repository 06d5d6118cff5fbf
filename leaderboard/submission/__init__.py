"""Submitting a model: the form's checks and the queue writes (submit), the Hub look-up (hub_lookup), local model folders (local_models), the Queue tab's table (queue_view)."""
