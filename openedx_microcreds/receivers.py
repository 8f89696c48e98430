"""
Receivers for Open edX events (LMS only).

Connected by edx-django-utils' ``connect_plugin_receivers`` from the ``signals_config`` of
:class:`openedx_microcreds.apps.MicrocredsConfig`; every receiver must be listed there. Receivers
stay thin: they translate the event and schedule the awarding task after the transaction commits.
"""
