"""Evidence bundles: what the receiver keeps when a jamming window opens.

:class:`~monitor.evidence.recorder.EvidenceRecorder` watches the capture loop (blocks, steps,
dwells) and collects a decimated IQ clip of each channel whose jamming starts;
:class:`~monitor.evidence.writer.BundleWriter` writes each as a folder (SigMF clip, waterfall
PNG, ``bundle.json``), indexes it in the database and applies retention. ``docs/evidence.md``
describes the bundle and the settings.
"""
