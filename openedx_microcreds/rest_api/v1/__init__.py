"""REST API v1: authoring per course, dry runs, awards, learners' own data, reports."""
