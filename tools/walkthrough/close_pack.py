"""The close pack, after sections 3f (closed) and 3g (closed again).

Every close of the demo month freezes its figures into a close pack: a
versioned snapshot with a SHA-256 fingerprint, its PDF report and its
workbook. Verify recomputes the fingerprint from the stored payload; the
drift check recomputes the figures from live data and finds nothing moved.
Reopening and closing again makes version 2 and leaves version 1 and its
files as they were.
"""

from .common import check, counted, info, step


def show_pack(snapshot):
    """Print a close pack: version, fingerprint, files and their sizes."""
    info(
        f"{snapshot.name}: closed {snapshot.closed_at} by {snapshot.closed_by_id.name}"
    )
    info(f"  fingerprint (SHA-256) {snapshot.fingerprint}")
    for attachment in snapshot.pdf_attachment_id | snapshot.xlsx_attachment_id:
        size = f"{attachment.file_size:>9,} bytes"
        info(f"  {attachment.name:<18} {size}  {attachment.mimetype}")


def files_of(snapshot):
    """Return the raw bytes of a pack's fingerprint, PDF and workbook."""
    return (
        snapshot.fingerprint,
        snapshot.pdf_attachment_id.raw,
        snapshot.xlsx_attachment_id.raw,
    )


def close_pack(env, demo):
    """After 3f: the pack of the closed month, verified, without drift."""
    period = demo.period
    step(f"The close pack of {period.name}")
    snapshot = period.snapshot_id
    check(snapshot and snapshot.version == 1, "the close should take version 1")
    show_pack(snapshot)
    check(
        snapshot.pdf_attachment_id.raw.startswith(b"%PDF"),
        "the pack's PDF should be a PDF (wkhtmltopdf)",
    )
    check(snapshot.xlsx_attachment_id.raw.startswith(b"PK"), "a workbook")
    matches, message = snapshot._verify()
    info(f"Verify: {message}")
    check(matches, "the stored payload should match its fingerprint")
    changes = period._check_drift()
    moved = counted(len(changes), "figure")
    info(f"Check for Drift: {moved} moved ({period.drift_state})")
    check(
        not changes and period.drift_state == "none", "no drift right after the close"
    )
    demo.first_pack = files_of(snapshot)
    env.cr.commit()


def close_pack_again(env, demo):
    """After 3g: closing again made version 2; version 1 is kept."""
    period = demo.period
    step(f"The close packs of {period.name} after reopening and closing again")
    for snapshot in period.snapshot_ids.sorted("version"):
        show_pack(snapshot)
    first = period.snapshot_ids.filtered(lambda s: s.version == 1)
    check(period.snapshot_id.version == 2, "closing again should take version 2")
    check(
        files_of(first) == demo.first_pack,
        "version 1 and its files should be unchanged",
    )
    info("Version 1 and its files are unchanged.")
    matches, message = period.snapshot_id._verify()
    info(f"Verify version 2: {message}")
    check(matches, "version 2 should verify")
    changes = period._check_drift()
    moved = counted(len(changes), "figure")
    info(f"Check for Drift: {moved} moved ({period.drift_state})")
    check(not changes, "no drift right after closing again")
    env.cr.commit()
