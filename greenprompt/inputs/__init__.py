"""Inputs: prompt sets, datasets, models and their GGUF facts, carbon intensity, experiment files.

Reads files and packaged data; imports only `greenprompt.records`."""
