"""Physical compaction: cut removed hidden units out of the weight matrices.

Zeroing weights leaves every matrix its full size. Compaction is what makes structured
pruning pay: a unit whose outgoing weights are all zero is deleted with its column, bias
and row; a unit whose incoming weights are all zero outputs a constant, which is folded
into the next layer's biases before the unit is deleted. Predictions do not change.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .network import Network, activate


def compact(network: Network) -> Network:
    """An equivalent network with every signal-free hidden unit removed.

    A hidden layer may end up with no unit at all; the output then comes from biases.
    Such a network predicts fine with the engine but has no scikit-learn equivalent.
    """
    coefs = [np.array(W) for W in network.coefs]
    intercepts = [np.array(b) for b in network.intercepts]
    changed = True
    while changed:
        changed = False
        for h in range(len(coefs) - 1):
            W_in, b, W_out = coefs[h], intercepts[h], coefs[h + 1]
            silent = ~W_out.any(axis=1)
            constant = ~W_in.any(axis=0) & ~silent
            if not (silent.any() or constant.any()):
                continue
            intercepts[h + 1] = (
                intercepts[h + 1] + activate(b[constant], network.activation) @ W_out[constant]
            )
            keep = ~(silent | constant)
            coefs[h], intercepts[h], coefs[h + 1] = W_in[:, keep], b[keep], W_out[keep]
            changed = True
    return dataclasses.replace(
        network, coefs=coefs, intercepts=intercepts, initial_coefs=(), initial_intercepts=()
    )
