"""The engine: plans jobs, runs them metered through an executor and a backend, writes the run store.

Imports analysis (scoring and racing decisions), inputs and records; never outputs."""
