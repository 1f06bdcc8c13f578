"""APScheduler wiring: each job is a thin call into the domain."""
