"""Whole-cart quotes: a buyer negotiates an order of many lines at once, and its one deal."""
