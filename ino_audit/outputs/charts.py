"""Charts for the HTML report, rendered by matplotlib (Agg) as inline SVG strings.

Each chart takes the rows of one sql/reports query (already aggregated: bins, months, providers)
and returns an `<svg>` element with text kept as text, no external references and ids unique to
the chart, ready to be placed in the page.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

Row = dict[str, Any]

COLORS = {
    "supported": "#2e7d32",
    "not_supported": "#c62828",
    "insufficient_documentation": "#ef6c00",
    "review_required": "#1565c0",
}
ORDER = ("not_supported", "insufficient_documentation", "review_required", "supported")
BAR = "#5c6bc0"
LINE = ("#c62828", "#6a1b9a", "#00838f")
STYLE = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.axisbelow": True,
    # Labels are text: a provider id such as `$x^$` must not be parsed as mathtext.
    "text.parse_math": False,
}


def styled(fn: Callable[..., str]) -> Callable[..., str]:
    """Run a chart function under the report's matplotlib style."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
            return fn(*args, **kwargs)

    return wrapper


def to_svg(fig: Figure, name: str, title: str) -> str:
    """Return the figure as an inline <svg> element (no XML prolog, no metadata)."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": name}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    label = title.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return text.replace(
        "<svg ", f'<svg role="img" aria-label="{label}" data-chart="{name}" ', 1
    ).replace(">", f"><title>{label}</title>", 1)


def figure(
    width: float = 7.5, height: float = 3.2, nrows: int = 1, ncols: int = 1
) -> tuple[Figure, list[Any]]:
    """Return a new figure and its axes (flattened) in the report's style."""
    fig = Figure(figsize=(width, height))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, list(axes.flat)


def empty(ax: Any, text: str = "no data") -> None:
    """Mark an axis as having nothing to plot."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#777")
    ax.set_xticks([])
    ax.set_yticks([])


def money(value: float, _pos: Any = None) -> str:
    """Format dollars compactly for an axis."""
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= div:
            return f"${value / div:,.1f}{suffix}"
    return f"${value:,.0f}"


def mark_lines(ax: Any, lines: Sequence[tuple[float, str]]) -> None:
    """Draw labelled vertical threshold lines and a legend."""
    for (x, label), color in zip(lines, LINE, strict=False):
        ax.axvline(x, color=color, linestyle="--", linewidth=1.4, label=label)
    ax.legend(loc="upper right", frameon=False)


@styled
def histogram(
    bins: list[Row], count: str, xlabel: str, lines: Sequence[tuple[float, str]], name: str
) -> str:
    """Plot pre-binned counts (bin_start, bin_end, is_open) with threshold lines."""
    fig, (ax,) = figure()
    if not bins:
        empty(ax)
    else:
        starts = [float(b["bin_start"]) for b in bins]
        widths = [float(b["bin_end"]) - float(b["bin_start"]) for b in bins]
        colors = ["#9e9e9e" if b["is_open"] else BAR for b in bins]
        ax.bar(starts, [b[count] for b in bins], width=widths, align="edge", color=colors)
        mark_lines(ax, lines)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if any(b["is_open"] for b in bins):
            cap = max(s for s, b in zip(starts, bins, strict=True) if b["is_open"])
            ax.annotate(
                f"≥ {cap:g}",
                (cap, 0),
                xytext=(0, -22),
                textcoords="offset points",
                ha="left",
                color="#555",
                fontsize=8,
            )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(count)
    return to_svg(fig, name, f"{count} by {xlabel}")


@styled
def determinations_chart(rows: list[Row]) -> str:
    """Plot claims and paid dollars per determination as two horizontal bar panels."""
    fig, (ax1, ax2) = figure(height=2.6, ncols=2)
    names = [r["determination"] for r in rows][::-1]
    colors = [COLORS.get(n, BAR) for n in names]
    ax1.barh(names, [r["claims"] for r in rows][::-1], color=colors)
    ax1.set_title("claims", fontsize=9)
    ax1.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax2.barh(names, [float(r["paid_amount"]) for r in rows][::-1], color=colors)
    ax2.set_title("paid dollars", fontsize=9)
    ax2.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax2.xaxis.set_major_formatter(FuncFormatter(money))
    ax2.set_yticks([])
    fig.tight_layout()
    return to_svg(fig, "determinations", "Claims and paid dollars by determination")


@styled
def trend_chart(rows: list[Row]) -> str:
    """Plot claims per determination (stacked) and dollars at risk per service month."""
    fig, (ax1, ax2) = figure(height=4.6, nrows=2)
    if not rows:
        empty(ax1)
        empty(ax2)
        return to_svg(fig, "trend", "Trend by service month")
    months = [r["service_month"] for r in rows]
    x = list(range(len(months)))
    bottom = [0.0] * len(months)
    for det in ORDER:
        counts = [float(r[det]) for r in rows]
        if any(counts):
            ax1.bar(x, counts, bottom=bottom, color=COLORS[det], label=det)
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax1.set_ylabel("claims")
    ax1.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=4, fontsize=8)
    ax1.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.bar(x, [float(r["amount_at_risk"]) for r in rows], color=COLORS["not_supported"])
    ax2.set_ylabel("dollars at risk")
    ax2.yaxis.set_major_formatter(FuncFormatter(money))
    step = max(1, len(months) // 24)
    for ax in (ax1, ax2):
        ax.set_xticks(x[::step], months[::step], rotation=45 if len(months) > 6 else 0)
    fig.tight_layout()
    return to_svg(fig, "trend", "Claims and dollars at risk by service month")


def label_outliers(ax: Any, flagged: list[tuple[int, Row]], shown: int = 8) -> None:
    """Number the outlier points (highest first) and list their provider ids in a corner box."""
    flagged = sorted(flagged, key=lambda p: -p[1]["mean_episode_hours"])
    lines = []
    for n, (i, r) in enumerate(flagged[:shown], start=1):
        hours = r["mean_episode_hours"]
        ax.annotate(
            str(n),
            (i, hours),
            xytext=(-9, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=8,
            color="#c62828",
        )
        lines.append(f"{n}  {r['provider_id']}  ({hours:.0f} h)")
    if len(flagged) > shown:
        lines.append(f"… and {len(flagged) - shown} more")
    if lines:
        ax.text(
            0.01,
            0.97,
            "outliers\n" + "\n".join(lines),
            transform=ax.transAxes,
            va="top",
            fontsize=8,
            color="#c62828",
            family="monospace",
        )


@styled
def peer_chart(rows: list[Row], review_hours: float) -> str:
    """Plot mean episode hours per provider, sorted; outliers red, non-peers hollow grey."""
    fig, (ax,) = figure(height=3.4)
    data = sorted(
        (r for r in rows if r["mean_episode_hours"] is not None),
        key=lambda r: r["mean_episode_hours"],
    )
    if not data:
        empty(ax)
        return to_svg(fig, "peers", "Mean episode hours per provider")
    groups = (
        ("not a peer (too few episodes)", lambda r: not r["is_peer"], "none", "#9e9e9e"),
        ("peer", lambda r: r["is_peer"] and not r["is_outlier"], BAR, BAR),
        ("outlier (INO-OUT-PROVIDER)", lambda r: r["is_outlier"], "#c62828", "#c62828"),
    )
    for label, keep, face, edge in groups:
        pts = [(i, r) for i, r in enumerate(data) if keep(r)]
        if pts:
            ax.scatter(
                [i for i, _ in pts],
                [r["mean_episode_hours"] for _, r in pts],
                s=[12 + 4 * min(r["episodes"], 40) for _, r in pts],
                facecolors=face,
                edgecolors=edge,
                label=label,
                zorder=3,
            )
    label_outliers(ax, [(i, r) for i, r in enumerate(data) if r["is_outlier"]])
    peers = sorted(r["mean_episode_hours"] for r in data if r["is_peer"])
    if peers:
        mid = len(peers) // 2
        median = peers[mid] if len(peers) % 2 else (peers[mid - 1] + peers[mid]) / 2
        ax.axhline(median, color="#555", linestyle=":", label=f"peer median {median:.1f} h")
    ax.axhline(
        review_hours, color=LINE[0], linestyle="--", label=f"review after {review_hours:g} h"
    )
    ax.set_xlabel("providers, sorted by mean episode hours")
    ax.set_ylabel("mean episode hours")
    ax.set_xticks([])
    ax.set_ylim(bottom=0)
    legend = ax.legend(
        loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=3, fontsize=8
    )
    for handle in legend.legend_handles:
        if hasattr(handle, "set_sizes"):
            handle.set_sizes([30])
    return to_svg(fig, "peers", "Mean episode hours per provider with outliers")
