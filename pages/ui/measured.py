"""The numbers the Learn page presents as measured on digits with the app's defaults.

``tests/test_learn_numbers.py`` recomputes every one with the engine (and the ones quoted in
``locales/learn.toml``, in both languages), so the text cannot drift from the code.
"""

# One-shot validation accuracy, no fine-tuning; "~" marks the mean over MEASURED_SEEDS seeds.
MEASURED_LEVELS = (50, 80, 90, 95)
MEASURED_SEEDS = 30
# The Lottery page's defaults, which the Learn page's lottery numbers are measured with.
LOTTERY_SPARSITIES = (50, 80, 90, 95, 98)  # percent
LOTTERY_EPOCHS = 20  # training epochs per round
MEASURED = {
    "random": ("~0.60", "~0.26", "~0.17", "~0.12"),
    "layer_magnitude": ("0.96", "0.93", "0.65", "0.32"),
    "global_magnitude": ("0.95", "0.96", "0.88", "0.72"),
}
