"""The floor every other package stands on: the data model, errors, the typed ``evidence.yaml`` settings,
checksums, atomic file writes, untrusted-input guards, progress, child processes and the Dask backend.
Nothing here imports from the rest of the workbench."""
