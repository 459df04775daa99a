"""The Cost page's words: numbers formatted for reading, and the sentences built from them.

Nothing here measures or decides what is true: the tables come from ``pruning.measure``
and ``pruning.sharing_table``, their readings from ``pruning.analysis``; this module only
picks the sentence that fits and fills it in, in the current language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

import pruning
from pruning.cost import FORMATS, TIMED

from .i18n import t


def human_bytes(n: float) -> str:
    """``30040`` → ``30.0 kB`` (decimal units, as file managers show them)."""
    if n < 1000:
        return f"{int(n)} B"
    if n < 1e6:
        return f"{n / 1e3:.1f} kB"
    return f"{n / 1e6:.2f} MB"


def ms(seconds: float) -> str:
    """Seconds as a short millisecond string."""
    value = seconds * 1e3
    return f"{value:.3f} ms" if value < 0.1 else f"{value:.2f} ms"


def times(ratio: float) -> str:
    """A speedup or compression ratio as ``3.2×`` (``∞`` when nothing is left)."""
    if not math.isfinite(ratio):
        return "∞"
    return f"{ratio:.0f}×" if ratio >= 100 else f"{ratio:.1f}×"


def bullets(points: Sequence[str]) -> str:
    """Sentences as a Markdown list."""
    return "\n".join(f"- {p}" for p in points)


def word(ratio: float, area: str = "word") -> str:
    """A speedup in words: "1.4× faster", "2.0× slower" or "about the same"."""
    kind = pruning.compare(ratio)
    return t(f"cost.{area}_{kind}", ratio=times(1 / ratio if kind == "slower" else ratio))


def storage_caption(sizes: dict[str, int]) -> str:
    return t(
        "cost.storage_caption",
        **{f: human_bytes(sizes[f]) for f in FORMATS},
        **{f"{f}_bytes": sizes[f] for f in FORMATS},
        **{f"{f}_pct": sizes[f] / sizes["dense"] for f in FORMATS},
    )


def latency_caption(timings: dict[str, float], theory: float, rounds, repeats, n) -> str:
    return t(
        "cost.latency_caption",
        rounds=rounds,
        repeats=repeats,
        n=n,
        **{k: ms(v) for k, v in timings.items()},
        theory=times(theory),
    )


def answer(now: pd.Series, sizes: dict[str, int], timings: dict[str, float], neuron: str):
    """The short answer at the current setting, one sentence per format; ``neuron`` is the
    label of the neuron strategy that the no-compaction sentence suggests."""
    points = [
        t(
            "cost.say_dense",
            dense=human_bytes(sizes["dense"]),
            now=ms(timings["dense"]),
            before=ms(timings["unpruned"]),
            word=word(timings["unpruned"] / timings["dense"], "dense"),
        )
    ]
    for fmt in ("csr", "gzip"):
        smaller = sizes[fmt] < sizes["dense"]
        points.append(
            t(
                f"cost.say_{fmt}_{'smaller' if smaller else 'larger'}",
                size=human_bytes(sizes[fmt]),
                dense=human_bytes(sizes["dense"]),
                ratio=times(sizes["dense"] / max(sizes[fmt], 1)),
            )
        )
    slower = pruning.compare(now["csr_speedup"]) == "slower"
    points.append(
        t(
            "cost.say_csr_time",
            csr=ms(timings["csr"]),
            dense=ms(timings["dense"]),
            word=word(now["csr_speedup"]),
        )
        + (" " + t("cost.csr_slower_why") if slower else "")
    )
    if now["removed_units"] > 0:
        points.append(
            t(
                "cost.say_compacted",
                removed=now["removed_units"],
                units=now["hidden_units"],
                size=human_bytes(sizes["compacted"]),
                pct=sizes["compacted"] / sizes["dense"],
                time=ms(timings["compacted"]),
                ratio=times(now["compacted_speedup"]),
                word=word(now["compacted_speedup"]),
            )
        )
    else:
        points.append(t("cost.say_no_compaction", neuron=neuron))
    points.append(
        t(
            "cost.say_flops",
            theory=times(now["flops_speedup"]),
            csr=times(now["csr_speedup"]),
            compacted=times(now["compacted_speedup"]),
        )
    )
    return points


def _from(level: float, found: str, never: str) -> str:
    return t(never) if pd.isna(level) else t(found, level=round(100 * level))


def sweep_points(frame: pd.DataFrame, labels: dict[str, str], focus: float, rounds, repeats):
    """What the sweep shows: the dense timings, then per strategy its sizes and times at
    ``focus`` and the levels from which CSR is smaller and faster than dense."""
    low, high = ms(frame["dense_s"].min()), ms(frame["dense_s"].max())
    says = [
        t(
            "cost.sweep_dense" if low != high else "cost.sweep_dense_same",
            dense=human_bytes(frame["dense_bytes"].max()),
            low=low,
            high=high,
            rounds=rounds,
            repeats=repeats,
        )
    ]
    at = frame[frame["level"] == focus].set_index("strategy")
    for r in pruning.csr_break_even(frame).itertuples(index=False):
        row = at.loc[r.strategy]
        says.append(
            t(
                "cost.sweep_strategy",
                strategy=labels[r.strategy],
                level=round(100 * focus),
                csr=human_bytes(row["csr_bytes"]),
                compacted=human_bytes(row["compacted_bytes"]),
                pct=row["compacted_bytes"] / row["dense_bytes"],
                time=ms(row["compacted_s"]),
                dense=ms(row["dense_s"]),
                ratio=times(row["compacted_speedup"]),
                word=word(row["compacted_speedup"]),
            )
            + " "
            + _from(r.smaller_from, "cost.csr_smaller_from", "cost.csr_never_smaller")
            + " "
            + _from(r.faster_from, "cost.csr_faster_from", "cost.csr_never_faster")
        )
    return says


def speedup_caption(frame: pd.DataFrame, sweep: Sequence[str], labels, focus: float) -> str:
    """The speedups at ``focus`` of the two swept strategies (unstructured, neuron)."""
    at = frame[frame["level"] == focus].set_index("strategy")
    return t(
        "cost.speedup_caption",
        level=round(100 * focus),
        **{
            f"{name}_{col}": times(at.loc[s, f"{col}_speedup"])
            for name, s in (("u", sweep[0]), ("n", sweep[1]))
            for col in ("flops", "csr", "compacted")
        },
        unstructured=labels[sweep[0]],
        neuron=labels[sweep[1]],
    )


def sweep_table(frame: pd.DataFrame, labels, format_labels: dict[str, str]) -> pd.DataFrame:
    """The sweep as the page's table: translated headers, percent levels, milliseconds."""
    return pd.DataFrame(
        {
            t("cost.col_strategy"): frame["strategy"].map(labels),
            t("cost.col_level"): (100 * frame["level"]).round().astype(int).astype(str) + "%",
            **{format_labels[f] + " (B)": frame[f"{f}_bytes"] for f in FORMATS},
            **{format_labels[f] + " (ms)": (1e3 * frame[f"{f}_s"]).round(3) for f in TIMED},
            t("cost.theory"): frame["flops_speedup"].map(times),
        }
    )


def sharing_caption(table: pd.DataFrame, float_accuracy: float) -> str:
    """The fewest bits per weight that keep accuracy within a point of float32 (or, when
    none does, the most bits tried), against the fewest bits tried."""
    pick, close = pruning.fewest_bits_within(table, float_accuracy)
    first = table.iloc[0]
    return t(
        "cost.sharing_caption" if close else "cost.sharing_caption_far",
        k=int(pick["k"]),
        bits=int(pick["bits_per_weight"]),
        acc=pick["accuracy"],
        float_acc=float_accuracy,
        size=human_bytes(pick["total_bits"] / 8),
        dense=human_bytes(pick["dense_bits"] / 8),
        ratio=times(pick["compression"]),
        k_low=int(first["k"]),
        bits_low=int(first["bits_per_weight"]),
        acc_low=first["accuracy"],
    )
