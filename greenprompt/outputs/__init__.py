"""Outputs: the JSON document, the terminal report, HTML, exported files, the gate and MLflow.

They read result records only."""
