"""Quality improvement: Model for Improvement projects, measures, run charts and PDSA cycles."""
