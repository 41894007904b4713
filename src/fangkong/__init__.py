"""Fangkong (防控): operations platform for a city's epidemic prevention and control command."""

__version__ = "0.1.0"
