"""Backtests and reference checks: engines against published runs and data, durability fits."""
