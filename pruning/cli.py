"""``python -m pruning``: the engine from a terminal.

Every subcommand shares ``--dataset`` (or ``--csv``), ``--hidden`` and ``--seed``, and every
table goes out as CSV or JSON. Bad arguments exit with code 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import pandas as pd

from .checks import check_fraction, parse_number
from .config import FIELDS, Field, ModelConfig
from .data import from_csv, load_dataset
from .export import export_meta, save_npz, save_skops
from .masks import Pruner
from .metrics import evaluate
from .schedules import finetune, lottery
from .strategies import STRATEGIES
from .sweeps import named_by_part, result_row, sweep
from .threads import limit_blas_threads
from .training import train


class UsageError(Exception):
    """A bad argument: reported in one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line instead of usage text
        raise UsageError(message)


def _typed(convert: Callable, what: str) -> Callable:
    def parse(text: str):
        try:
            return convert(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc) or f"bad {what}: {text!r}") from None

    parse.__name__ = what
    return parse


def _list(convert: Callable) -> Callable:
    return lambda text: [convert(p.strip()) for p in text.split(",") if p.strip()]


def _count(name: str) -> Callable[[str], int]:
    """A whole number >= 0 from the command line (seeds, epochs)."""
    return lambda text: parse_number(text, name, 0, integer=True)


def _strategy(text: str) -> str:
    if text not in STRATEGIES:
        raise ValueError(f"unknown strategy {text!r}; choose from {', '.join(STRATEGIES)}")
    return text


SPARSITY = _typed(check_fraction, "sparsity")
SPARSITIES = _typed(_list(check_fraction), "sparsities")
EPOCHS = _typed(_count("epochs"), "epochs")


def option_help(f: Field) -> str:
    """A model field's help text: what it is, its range and its default."""
    allowed = "" if f.choices or f.name == "hidden" else f"; {f.low:g} to {f.high:g}"
    return f"{f.help}{allowed} (default: {f.text(f.default)})"


def _common(p: argparse.ArgumentParser) -> None:
    """The model options, one per ``ModelConfig`` field, and a CSV instead of a dataset."""
    for f in FIELDS:
        kind = {"choices": f.choices} if f.choices else {"type": _typed(f.parse, f.name)}
        p.add_argument(
            "--" + f.name.replace("_", "-"), default=f.default, help=option_help(f), **kind
        )
    p.add_argument("--csv", help="train on your own CSV file instead of --dataset")
    p.add_argument("--label", help="label column of --csv (default: the last column)")


def _table_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--out", default="-", help="output file, or - for stdout")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m pruning", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("strategies", help="list the pruning strategies")
    _table_output(p)

    p = sub.add_parser("train", help="train a network and report its validation and test accuracy")
    _common(p)
    _table_output(p)

    p = sub.add_parser("prune", help="prune once, optionally fine-tune, and export")
    _common(p)
    _table_output(p)
    p.add_argument("--strategy", type=_typed(_strategy, "strategy"), required=True)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--sparsity", type=SPARSITY, help="fraction of weights (or units) to remove")
    group.add_argument("--threshold", type=SPARSITY, help="APoZ threshold (neuron_activation)")
    p.add_argument("--finetune-epochs", type=EPOCHS, default=0)
    p.add_argument("--export", help="write weights, masks and meta to FILE.npz")
    p.add_argument("--sklearn", help="also write a fitted MLPClassifier to FILE.skops")

    p = sub.add_parser("sweep", help="accuracy against sparsity for several strategies")
    _common(p)
    _table_output(p)
    p.add_argument(
        "--strategies",
        type=_typed(_list(_strategy), "strategies"),
        default=["random", "layer_magnitude", "global_magnitude"],
    )
    p.add_argument("--sparsities", type=SPARSITIES, default=[i / 10 for i in range(10)])
    p.add_argument("--finetune-epochs", type=EPOCHS, default=0)
    p.add_argument("--seeds", type=_typed(_list(_count("seeds")), "seeds"), default=[0])
    p.add_argument(
        "--n-jobs",
        type=_typed(lambda text: parse_number(text, "n-jobs", integer=True), "n-jobs"),
        default=1,
    )

    p = sub.add_parser("lottery", help="lottery tickets: rewind vs re-init vs trained")
    _common(p)
    _table_output(p)
    p.add_argument("--sparsities", type=SPARSITIES, default=[0.5, 0.8, 0.9, 0.95, 0.98])
    p.add_argument("--epochs", type=EPOCHS, default=20, help="training epochs per round")

    p = sub.add_parser("bench", help="measure the engine's speed on the default model")
    return parser


def _data(args):
    if args.csv:
        return from_csv(args.csv, args.label, seed=args.seed)
    return load_dataset(args.dataset, seed=args.seed)


def _network(args, data):
    chosen = {f.name: getattr(args, f.name) for f in FIELDS}
    return train(data, ModelConfig(**{**chosen, "dataset": data.name}))


def _emit(frame: pd.DataFrame, args) -> None:
    frame = named_by_part(frame)
    text = (
        frame.to_csv(index=False)
        if args.format == "csv"
        else frame.to_json(orient="records", indent=1) + "\n"
    )
    if args.out == "-":
        sys.stdout.write(text)
    else:
        _write(args.out, text.encode())


def _write(path: str, payload: bytes | Callable[[str], None]) -> None:
    try:
        if callable(payload):
            payload(path)
        else:
            with open(path, "wb") as fh:
                fh.write(payload)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _cmd_strategies(args) -> None:
    rows = [
        {
            "key": s.key,
            "label": s.label,
            "granularity": s.granularity,
            "scope": s.scope,
            "needs": s.needs,
            "paper": s.paper,
            "description": s.description,
        }
        for s in STRATEGIES.values()
    ]
    _emit(pd.DataFrame(rows), args)


def _cmd_train(args) -> None:
    data = _data(args)
    net = _network(args, data)
    ev = evaluate(net, data.X_val, data.y_val)
    _emit(
        pd.DataFrame(
            [
                {
                    "dataset": data.name,
                    "hidden": "-".join(map(str, net.hidden)),
                    "seed": args.seed,
                    "epochs": len(net.history),
                    "parameters": net.n_parameters,
                    "accuracy": ev.accuracy,
                    "loss": ev.loss,
                    "test_accuracy": evaluate(net, data.X_test, data.y_test).accuracy,
                }
            ]
        ),
        args,
    )


def _cmd_prune(args) -> None:
    if args.threshold is not None and STRATEGIES[args.strategy].threshold is None:
        raise UsageError(f"--threshold works only with neuron_activation, not {args.strategy}")
    data = _data(args)
    net = _network(args, data)
    result = Pruner(net, args.strategy, data, args.seed).prune(args.sparsity, args.threshold)
    if args.finetune_epochs:
        result = finetune(result, data, args.finetune_epochs, seed=args.seed)
    row = result_row(result, data)
    if args.export:
        meta = export_meta(result, row["accuracy"], row["test_accuracy"])
        _write(args.export, lambda path: save_npz(result, path, meta))
    if args.sklearn:
        _write(args.sklearn, lambda path: save_skops(result.network, path))
    _emit(pd.DataFrame([row]), args)


def _cmd_sweep(args) -> None:
    data = _data(args)
    net = _network(args, data)
    frame = sweep(
        net,
        data,
        args.strategies,
        args.sparsities,
        finetune_epochs=args.finetune_epochs,
        seeds=args.seeds,
        n_jobs=args.n_jobs,
    )
    _emit(frame, args)


def _cmd_lottery(args) -> None:
    data = _data(args)
    net = _network(args, data)
    frame = lottery(net, data, args.sparsities, epochs=args.epochs, seed=args.seed)
    _emit(frame[["variant", "sparsity", "seed", "accuracy", "loss", "weight_sparsity"]], args)


def _cmd_bench(args) -> None:
    from .bench import main as bench_main  # imported here: only this command needs it

    bench_main()


COMMANDS = {
    "strategies": _cmd_strategies,
    "train": _cmd_train,
    "prune": _cmd_prune,
    "sweep": _cmd_sweep,
    "lottery": _cmd_lottery,
    "bench": _cmd_bench,
}


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; returns the process exit code."""
    limit_blas_threads()
    try:
        args = build_parser().parse_args(argv)
        COMMANDS[args.command](args)
    except (UsageError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
