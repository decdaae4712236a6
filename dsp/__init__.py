"""Pure numpy/scipy signal processing: spectra, channel plan, noise floor, features, classifier.

Nothing in this package performs I/O or imports ``monitor``, ``api`` or a database library.
"""
