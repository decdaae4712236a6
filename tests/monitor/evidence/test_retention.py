"""Retention deletes the oldest bundles beyond the age and size limits, on disk and in the index."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from monitor.evidence.bundle import bundle_key
from monitor.evidence.retention import prune, stored_bundles
from monitor.evidence.writer import BundleWriter
from monitor.store.engine import transaction
from monitor.store.evidence import EvidenceBundle
from tests.monitor.evidence.factories import RECEIVER, evidence_at
from tests.monitor.receiver.conftest import migrated

T0 = datetime(2026, 2, 16, 12, tzinfo=UTC)


def fake_bundle(root: Path, onset: datetime, size_bytes: int, receiver: str = RECEIVER) -> Path:
    folder = root / bundle_key(receiver, 7_250_000, onset)
    folder.mkdir(parents=True)
    (folder / "clip.sigmf-data").write_bytes(b"\0" * size_bytes)
    return folder


def test_age_limit_deletes_old_bundles_and_empty_days(tmp_path: Path) -> None:
    for day in range(5):
        fake_bundle(tmp_path, T0 + timedelta(days=day), 100)
    deleted = prune(
        tmp_path, RECEIVER, now=T0 + timedelta(days=4), retention_days=2.0, max_bytes=10**9
    )
    assert deleted == [bundle_key(RECEIVER, 7_250_000, T0 + timedelta(days=d)) for d in (0, 1)]
    assert [b.onset for b in stored_bundles(tmp_path, RECEIVER)] == [
        T0 + timedelta(days=d) for d in (2, 3, 4)
    ]
    assert sorted(p.name for p in (tmp_path / RECEIVER).iterdir()) == [
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
    ]


def test_size_limit_deletes_the_oldest_first_but_keeps_the_newest(tmp_path: Path) -> None:
    for minute in range(6):
        fake_bundle(tmp_path, T0 + timedelta(minutes=minute), 1000)
    other = fake_bundle(tmp_path, T0, 5000, receiver="rx-other")
    stray = tmp_path / RECEIVER / "2026-02-16" / "notes"
    stray.mkdir()
    partial = tmp_path / RECEIVER / "2026-02-16" / "7250000_20260216T130000.000Z.partial"
    partial.mkdir()
    deleted = prune(tmp_path, RECEIVER, now=T0, retention_days=30.0, max_bytes=2500)
    assert len(deleted) == 4
    kept = stored_bundles(tmp_path, RECEIVER)
    assert [b.onset for b in kept] == [T0 + timedelta(minutes=m) for m in (4, 5)]
    assert sum(b.size_bytes for b in kept) <= 2500
    assert other.is_dir()
    assert stray.is_dir()
    assert not partial.exists()
    # alone over the budget, the newest bundle stays
    assert prune(tmp_path, RECEIVER, now=T0, retention_days=30.0, max_bytes=10) == [kept[0].key]
    assert [b.onset for b in stored_bundles(tmp_path, RECEIVER)] == [kept[1].onset]


def test_writer_indexes_bundles_and_forgets_the_pruned(tmp_path: Path) -> None:
    engine = migrated(tmp_path / "rx.db")
    onsets = [T0 + timedelta(hours=h) for h in range(4)]
    clock = iter([*onsets])
    writer = BundleWriter(
        tmp_path / "evidence",
        RECEIVER,
        retention_days=30.0,
        max_bytes=1 << 40,
        engine=engine,
        clock=lambda: next(clock),
    )
    for seed, onset in enumerate(onsets):
        assert writer.write(evidence_at(onset, seed)) is not None
    size = writer.written[0].size_bytes
    assert all(abs(b.size_bytes - size) < size // 10 for b in writer.written)
    writer.max_bytes = int(2.5 * size)
    deleted = writer.prune(onsets[-1])
    assert deleted == [b.key for b in list(writer.written)[:2]]
    with transaction(engine) as session:
        rows = session.scalars(select(EvidenceBundle).order_by(EvidenceBundle.start_at)).all()
        assert [r.start_at for r in rows] == onsets[2:]
        assert all(Path(r.path).is_dir() for r in rows)
    assert not writer.written[0].path.exists()
    engine.dispose()


def test_threaded_writer_writes_everything_before_close(tmp_path: Path) -> None:
    writer = BundleWriter(tmp_path, RECEIVER, retention_days=3650.0, max_bytes=1 << 40)
    writer.start()
    for seed in range(3):
        writer.submit(evidence_at(T0 + timedelta(minutes=seed), seed))
    writer.close(60.0)
    assert len(stored_bundles(tmp_path, RECEIVER)) == 3
