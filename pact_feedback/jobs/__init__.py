"""Long work in a job queue (RQ on Redis), with its progress in the database.

Without `JOBS_REDIS_URL` (the embedded default of `make run` and the tests) each job runs at
once in the process that started it, through the same code. docs/decisions/0004-job-queue.md.
"""
