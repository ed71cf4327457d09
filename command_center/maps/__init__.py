"""Folium maps that work with no internet: builders for the county's layers.

Importing the package compiles folium/branca templates once per process (``templates``).
"""

from command_center.maps import templates as _templates  # noqa: F401
