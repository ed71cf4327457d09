"""Folium maps that work with no internet: builders for the county's layers."""
