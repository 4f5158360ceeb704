"""The HTML report: one self-contained file (inline CSS and SVG, no scripts, no links out).

Sections: what was compared, a plot of alpha per variable with its bootstrap interval against
the .667 and .800 lines, the results table, coincidence matrices and coder marginals, and the
disagreements with clip and frame. Every text from the project is escaped.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from .result import Result
from .writers import _interval, _note, figure, number

if TYPE_CHECKING:
    from .report import ReliabilityReport

NUMERIC = (3, 5, 6, 7, 8, 9)  # right-aligned columns of the results table
MAX_DISAGREEMENTS = 2000  # a longer list is cut (the JSON export has them all)
CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px}
th{background:#f3f3f3;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.undefined{color:#a00}.small{font-size:12px;color:#555}.matrices{display:flex;flex-wrap:wrap;gap:2em}
"""


def _plot(results: list[Result]) -> str:
    """Inline SVG: one row per defined alpha, dot and interval bar, lines at .667 and .800."""
    shown = [r for r in results if r.alpha is not None]
    if not shown:
        return "<p>No alpha is defined for these data, so there is nothing to plot.</p>"
    low = min([0.0, *(r.ci_low for r in shown if r.ci_low is not None), *(r.alpha for r in shown)])
    low = max(-1.0, low)
    left, width, row = 260, 560, 22
    height = row * len(shown) + 40

    def x(value: float) -> float:
        return left + (max(value, low) - low) / (1.0 - low) * width

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 40}" '
             f'height="{height}" role="img" aria-label="alpha per variable">']  # fmt: skip
    for mark, colour in ((0.667, "#d98b00"), (0.8, "#2a8a2a")):
        parts.append(f'<line x1="{x(mark):.1f}" y1="10" x2="{x(mark):.1f}" y2="{height - 25}" '
                     f'stroke="{colour}" stroke-dasharray="4 3"/>')  # fmt: skip
        parts.append(f'<text x="{x(mark):.1f}" y="{height - 10}" font-size="11" '
                     f'text-anchor="middle" fill="{colour}">{mark:.3f}</text>')  # fmt: skip
    ticks = [0.0, 0.5, 1.0] + ([low] if low < -0.15 else [])  # no label crowding 0
    for tick in ticks:
        parts.append(f'<text x="{x(tick):.1f}" y="{height - 10}" font-size="11" '
                     f'text-anchor="middle">{tick:.1f}</text>')  # fmt: skip
    for i, result in enumerate(shown):
        y = 20 + i * row
        label = escape(f"{result.code_key} ({result.method})")
        parts.append(f'<text x="{left - 8}" y="{y + 4}" font-size="12" text-anchor="end">'
                     f"{label}</text>")  # fmt: skip
        if result.ci_low is not None and result.ci_high is not None:
            parts.append(f'<line x1="{x(result.ci_low):.1f}" y1="{y}" x2="{x(result.ci_high):.1f}"'
                         f' y2="{y}" stroke="#555" stroke-width="2"/>')  # fmt: skip
        parts.append(f'<circle cx="{x(result.alpha):.1f}" cy="{y}" r="4" fill="#1f5fbf">'
                     f"<title>{label}: alpha {result.alpha:.3f}</title></circle>")  # fmt: skip
    parts.append("</svg>")
    return "\n".join(parts)


def _meta(report: ReliabilityReport) -> str:
    meta = report.meta
    boot = meta["bootstrap"]
    clips = ", ".join(f"{escape(n)}: {c}" for n, c in meta["clips_per_coder"].items())
    items = [
        ("Project", escape(meta["project"])),
        ("Codebook", escape(f"{meta['codebook']} (version {meta['codebook_version']})")),
        ("Coders", escape(", ".join(meta["coders"]))),
        ("Clips counted", f"{escape(meta['coded_rule_text'])}; {clips}"),
        ("Clips", f"{meta['clips']} coded, {meta['shared_clips']} by two coders or more"),
        ("Bootstrap", escape(f"{boot['draws']} draws, seed {boot['seed']}: {boot['method']}")),
        ("Kappa", escape(meta["kappa"])),
        ("Unitizing", escape(meta["unitizing"])),
        ("Generated", escape(f"{meta['generated_at']} by Storyframe {meta['storyframe_version']}")),
    ]
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in items)
    warnings = "".join(f"<li>{escape(w)}</li>" for w in meta.get("warnings", []))
    return f"<table>{rows}</table>" + (f"<ul class='undefined'>{warnings}</ul>" if warnings else "")


def _results_table(results: list[Result]) -> str:
    head = ("Code", "Method", "Level", "Alpha", "95 % CI", "Units", "Pairable", "D<sub>o</sub>",
            "D<sub>e</sub>", "Agreement", "Kappa", "Note")  # fmt: skip
    rows = []
    for r in results:
        alpha = number(r.alpha) if r.alpha is not None else "<span class=undefined>undefined</span>"
        kappa = number(r.kappa) + (f" ({r.kappa_method})" if r.kappa is not None else "")
        cells = [escape(r.code_key), r.method, r.level or "-", alpha, _interval(r), r.n_units,
                 r.n_pairable, figure(r.d_o), figure(r.d_e), number(r.percent_agreement),
                 kappa, escape(_note(r))]  # fmt: skip
        tds = (f"<td class=n>{c}</td>" if i in NUMERIC else f"<td>{c}</td>"
               for i, c in enumerate(cells))  # fmt: skip
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return f"<table><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr>{''.join(rows)}</table>"


def _matrix(result: Result) -> str:
    found = result.coincidences
    labels = [escape(label) for label in found.labels]
    head = "".join(f"<th>{label}</th>" for label in labels)
    body = "".join(
        f"<tr><th>{label}</th>" + "".join(f"<td class=n>{v:.2f}</td>" for v in row) + "</tr>"
        for label, row in zip(labels, found.matrix, strict=True)
    )
    used = {v for counts in result.marginals.values() for v in counts}
    # columns in the value order of the matrix (scale order for ordinal codes)
    coders = [v for v in found.labels if v in used] + sorted(used - set(found.labels))
    marg_head = "".join(f"<th>{escape(v)}</th>" for v in coders)
    marg = "".join(
        f"<tr><th>{escape(name)}</th>"
        + "".join(f"<td class=n>{counts.get(v, 0)}</td>" for v in coders)
        + "</tr>"
        for name, counts in result.marginals.items()
    )
    title = escape(f"{result.code_key} ({result.method})")
    return (
        f"<div><h3>{title}</h3><p class=small>Coincidences</p><table><tr><th></th>{head}</tr>"
        f"{body}</table><p class=small>Coder marginals</p><table><tr><th></th>{marg_head}</tr>"
        f"{marg}</table></div>"
    )


def _disagreements(report: ReliabilityReport) -> str:
    listed = report.disagreements[:MAX_DISAGREEMENTS]
    if not listed:
        return "<p>No disagreements.</p>"
    coders = report.meta["coders"]
    head = "".join(f"<th>{escape(c)}</th>" for c in coders)
    rows = []
    for d in listed:
        values = "".join(
            f"<td>{escape(d.values[c]) if d.values.get(c) is not None else '-'}</td>"
            if c in d.values else "<td class=small>not coded</td>"
            for c in coders
        )  # fmt: skip
        frame = "-" if d.frame is None else str(d.frame)
        rows.append(f"<tr><td>{escape(d.video_file_name)}</td><td>{escape(d.code_key)}</td>"
                    f"<td>{d.method}</td><td class=n>{frame}</td>{values}</tr>")  # fmt: skip
    more = len(report.disagreements) - len(listed)
    note = f"<p class=small>{more} more in the JSON export.</p>" if more > 0 else ""
    return (f"<table><tr><th>Clip</th><th>Code</th><th>Method</th><th>Frame</th>{head}</tr>"
            f"{''.join(rows)}</table>{note}")  # fmt: skip


def render_html(report: ReliabilityReport) -> str:
    """The whole report as one HTML document."""
    matrices = "".join(
        _matrix(r) for r in report.results if r.coincidences is not None and r.method != "frames"
    )
    frames = "".join(
        _matrix(r) for r in report.results if r.coincidences is not None and r.method == "frames"
    )
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        "<title>Storyframe reliability report</title>"
        f"<style>{CSS}</style></head><body><h1>Inter-coder reliability</h1>"
        f"{_meta(report)}<h2>Krippendorff's alpha per variable</h2>"
        "<p class=small>Dots: alpha; bars: bootstrap 95 % interval; dashed lines: .667 (lowest "
        "conceivable for tentative conclusions) and .800 (reliable).</p>"
        f"{_plot(report.results)}<h2>Results</h2>{_results_table(report.results)}"
        f"<h2>Coincidence matrices and coder marginals</h2><div class=matrices>{matrices}"
        f"{frames}</div><h2>Disagreements</h2>{_disagreements(report)}</body></html>\n"
    )
