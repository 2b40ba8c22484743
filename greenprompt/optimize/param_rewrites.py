"""Rewrites of the generation parameters: cap-output, constrain."""

from __future__ import annotations
