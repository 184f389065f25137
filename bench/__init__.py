"""Benchmarks: figures printed as ratios against a limit or a baseline; not run by make test."""
