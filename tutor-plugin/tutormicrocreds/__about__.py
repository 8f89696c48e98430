# The same version as the openedx-microcreds Python package and its npm frontend package: the
# default pip and npm specs install that version.
__version__ = "0.1.0"
