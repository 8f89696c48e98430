"""Sandbox settings: ``lms``/``cms`` (devstack-like) and ``lms_test``/``cms_test``."""
