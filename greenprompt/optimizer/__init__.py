"""greenprompt optimize: greener candidates of a prompt written by rewrites (rewrites.py),
searched under a budget and confirmed on a held-out split.

Layers: cli > api > optimize > engine | outputs > analysis > inputs > records.
"""
