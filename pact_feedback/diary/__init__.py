"""The workload diary: diary days, task entries, the study's taxonomy, and the JSON API."""
