"""The receiver process: hop plan, capture loop, persistence, forwarding, operations.

``jamwatch run --config receiver.toml`` builds a :class:`~monitor.receiver.service.Service` from
:func:`~monitor.receiver.config.load_config`; see ``docs/receiver.md``.
"""
