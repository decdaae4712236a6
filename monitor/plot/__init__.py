"""Pictures of recordings: the streamed spectrogram grid, overlays, and the waterfall PNG."""
