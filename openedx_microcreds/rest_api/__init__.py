"""The plugin's REST API, mounted by the LMS under ``/api/microcreds/``; ``v1/`` is its first
version. Views are thin: they check who asks, translate HTTP to :mod:`openedx_microcreds.api`
calls and back."""
