"""The batch report: ``report.html`` (one file that opens offline: thumbnail strips inlined as
data URIs) and ``report.csv`` (one row a product), both from the manifest of an output folder.

Per product: status, duration, loudness, caption lines, engines and licences, warnings, the
error of a failed one, and the time its render took; then the totals.
"""

from __future__ import annotations

import base64
import csv
import html
import io
from pathlib import Path

from promodesk.core.atomic import atomic_write_bytes
from promodesk.render.batch import load_manifest
from promodesk.render.product import STRIP

CSV_COLUMNS = ("key", "title", "status", "approved", "duration_s", "loudness_lufs", "videos",
               "captions", "engines", "licences", "warnings", "error", "seconds", "where")


def report_rows(out_dir: Path) -> list[dict]:
    """One dict per product of the last run (catalogue order; the CSV's columns), from the
    manifest in ``out_dir``."""
    manifest = load_manifest(out_dir)
    entries = manifest["products"]
    rows = []
    for key in manifest.get("order", list(entries)):
        e = entries.get(key)
        if e is None:
            continue
        info = e.get("info") or {}
        rows.append({
            "key": key, "title": e.get("title", ""), "status": e.get("status", ""),
            "approved": "yes" if e.get("approved") else "",
            "duration_s": info.get("duration_s", ""),
            "loudness_lufs": "" if info.get("loudness_lufs") is None else info["loudness_lufs"],
            "videos": " ".join(f for f in e.get("files", []) if f.endswith(".mp4")),
            "captions": " | ".join(info.get("captions", [])),
            "engines": ", ".join(info.get("engines", [])),
            "licences": "; ".join(info.get("licences", [])),
            "warnings": " | ".join(info.get("warnings", [])),
            "error": e.get("error", ""), "seconds": e.get("seconds", ""),
            "where": e.get("where", "")})
    return rows


def totals(rows: list[dict]) -> dict:
    """Counts by status, total video seconds made and total render seconds."""
    count = {s: sum(r["status"] == s for r in rows) for s in ("done", "failed", "pending")}
    return {"products": len(rows), **count,
            "video_s": round(sum(float(r["duration_s"] or 0) for r in rows
                                 if r["status"] == "done"), 1),
            "render_s": round(sum(float(r["seconds"] or 0) for r in rows), 1)}


def _csv_bytes(rows: list[dict], total: dict) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    w.writerow({"key": "TOTAL", "title": f"{total['products']} products",
                "status": f"{total['done']} done, {total['failed']} failed, "
                          f"{total['pending']} not made",
                "duration_s": total["video_s"], "seconds": total["render_s"]})
    return buf.getvalue().encode("utf-8-sig")  # with BOM: Excel then reads Chinese correctly


def _thumb(out_dir: Path, key: str) -> str:
    path = out_dir / key / STRIP
    if not path.is_file():
        return '<div class="none">no picture</div>'
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="frames of {html.escape(key)}" src="data:image/jpeg;base64,{data}">'


_STYLE = """
body{font:14px system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:8px;
vertical-align:top;text-align:left}th{background:#eee}img{height:120px;display:block}
.done{color:#17702a;font-weight:600}.failed{color:#b00020;font-weight:600}
.pending{color:#8a6d00}.none{color:#999;font-style:italic}.small{font-size:12px;color:#555}
ul{margin:0;padding-left:18px}.err{color:#b00020;white-space:pre-wrap}
"""


def _html(rows: list[dict], total: dict, title: str, out_dir: Path) -> str:
    def cell(r: dict) -> str:
        caps = "".join(f"<li>{html.escape(c)}</li>" for c in r["captions"].split(" | ") if c)
        warn = "".join(f"<li>{html.escape(c)}</li>" for c in r["warnings"].split(" | ") if c)
        videos = " ".join(f'<a href="{html.escape(r["key"])}/{html.escape(v)}">{html.escape(v)}</a>'
                          for v in r["videos"].split())
        err = f'<div class="err">{html.escape(r["error"])}</div>' if r["error"] else ""
        loud = f"{r['loudness_lufs']} LUFS" if r["loudness_lufs"] != "" else ""
        dur = f"{r['duration_s']} s" if r["duration_s"] != "" else ""
        return (f"<tr><td><b>{html.escape(r['title'] or r['key'])}</b><div class=small>"
                f"{html.escape(r['where'])}</div>{_thumb(out_dir, r['key'])}{videos}</td>"
                f"<td class={html.escape(r['status'])}>{html.escape(r['status'])}"
                f"{' ✔ approved' if r['approved'] else ''}{err}</td>"
                f"<td>{dur}<br>{loud}</td><td><ul>{caps}</ul></td>"
                f"<td>{html.escape(r['engines'])}<div class=small>{html.escape(r['licences'])}"
                f"</div></td><td><ul>{warn}</ul></td><td>{r['seconds']} s</td></tr>")

    body = "\n".join(cell(r) for r in rows)
    return (f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{total['products']} products: <span class=done>{total['done']} done</span>, "
            f"<span class=failed>{total['failed']} failed</span>, {total['pending']} not made; "
            f"{total['video_s']} s of video in {total['render_s']} s of rendering.</p>"
            "<table><tr><th>Product</th><th>Status</th><th>Length, loudness</th>"
            "<th>Captions</th><th>Engines, licences</th><th>Warnings</th><th>Time</th></tr>"
            f"{body}</table></body></html>\n")


def write_report(out_dir: Path, title: str = "PromoDesk batch report") -> tuple[Path, Path]:
    """Write ``report.html`` and ``report.csv`` in ``out_dir`` from its manifest (atomically).
    Returns their paths."""
    out_dir = Path(out_dir)
    rows = report_rows(out_dir)
    total = totals(rows)
    page, table = out_dir / "report.html", out_dir / "report.csv"
    atomic_write_bytes(page, _html(rows, total, title, out_dir).encode("utf-8"))
    atomic_write_bytes(table, _csv_bytes(rows, total))
    return page, table
