"""Demand forecast, reorder points and stock health (issue 11); statsmodels and scipy are
imported only when a forecast is fitted, never at the start of the app or the command line."""
