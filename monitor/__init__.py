"""IQ sources, recordings, the simulator, the capture loop and persistence of verdicts."""
