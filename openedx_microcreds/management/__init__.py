"""Management commands of the plugin (``manage.py lms microcreds_*``)."""
