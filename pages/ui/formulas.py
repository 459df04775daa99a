"""The Learn page's display formulas (KaTeX): they read the same in every language, so they
live here rather than in the locales. ``FORMULAS`` is keyed by strategy; a strategy
without an entry shows its text only."""

# Display formulas per registry key (KaTeX). A key without an entry shows text only.
FORMULAS = {
    "random": [r"S_j = r_j, \qquad r_j \sim \mathcal{U}(0, 1)", r"\Pr[\,m_j = 0\,] = s"],
    "layer_magnitude": [
        r"S_j = |w_j|",
        r"m^{(l)}_j = \mathbb{I}\!\left[\,|w^{(l)}_j| \ge \tau_l\,\right]",
        r"\tau_l = \operatorname{quantile}_{s}\!\left(\{\, |w^{(l)}_j| \,\}_{j}\right)",
    ],
    "global_magnitude": [r"S_j = |w_j|", r"m_j = \mathbb{I}\!\left[\,|w_j| \ge \tau\,\right]"],
    "snip": [
        r"s_j = \frac{\left|\, w_j \, \dfrac{\partial L}{\partial w_j} \,\right|}"
        r"{\sum_k \left|\, w_k \, \dfrac{\partial L}{\partial w_k} \,\right|}"
    ],
    "obd": [
        r"\begin{aligned} \delta L = {} & \sum_k g_k\, \delta w_k"
        r" + \tfrac{1}{2} \sum_k h_{kk}\, \delta w_k^2 \\"
        r" & + \tfrac{1}{2} \sum_{k \ne l} h_{kl}\, \delta w_k\, \delta w_l"
        r" + O\!\left(\lVert \delta w \rVert^3\right) \end{aligned}",
        r"s_k = \tfrac{1}{2}\, h_{kk}\, w_k^2,"
        r" \qquad h_{kk} \approx \frac{\partial^2 L}{\partial w_k^2}",
    ],
    "obd_exact": [
        r"s_k = \tfrac{1}{2}\, h_{kk}\, w_k^2",
        r"h_{kk} = \frac{\partial^2 L}{\partial w_k^2}"
        r" = \frac{1}{N} \sum_{n} x_{n,i}^2\, \frac{\partial^2 E_n}{\partial z_{n,j}^2}",
    ],
    "synflow": [
        r"R = \mathbf{1}^{\top} \Big( \prod_{l=1}^{L} \big|W^{[l]}\big| \Big) \mathbf{1}",
        r"S(w) = \frac{\partial R}{\partial w} \odot w",
        r"d_r = \left(\tfrac{1}{N}\right)^{r/n}, \qquad r = 1, \dots, n = 100",
    ],
    "neuron_random": [r"S_j = r_j, \qquad r_j \sim \mathcal{U}(0, 1)", r"\Pr[\,u_j = 0\,] = s"],
    "neuron_l1": [r"S_j = \lVert W_{:,j} \rVert_1 = \sum_i |W_{ij}|"],
    "neuron_l2": [r"S_j = \lVert W_{:,j} \rVert_2 = \sqrt{\sum_i W_{ij}^2}"],
    "neuron_activation": [
        r"S_j = \frac{1}{N} \sum_{n=1}^{N} \big| a_j(x_n) \big|",
        r"\mathrm{APoZ}_j = \frac{1}{N} \sum_{n=1}^{N} \mathbb{I}\!\left[\, a_j(x_n) = 0 \,\right]",
    ],
}
MASK = r"m_j = \mathbb{I}\!\left[\, S_j \ge \tau \,\right], \qquad w_j \leftarrow m_j\, w_j"
DENSITY = r"s = \frac{\#\{\,j : w_j = 0\,\}}{\#\{\,j\,\}}, \qquad d = 1 - s, \qquad c = \frac{1}{d}"
SCHEDULES = (  # (text key prefix, formula or None, has a citation)
    ("one_shot", None, False),
    ("iterative", r"s_r = 1 - (1 - s)^{r/n}, \qquad r = 1, \dots, n", True),
    (
        "gradual",
        r"s_t = s_f + (s_i - s_f) \left( 1 - \frac{t - t_0}{n\, \Delta t} \right)^{3},"
        r" \qquad t \in \{ t_0,\ t_0 + \Delta t,\ \dots,\ t_0 + n\, \Delta t \}",
        True,
    ),
    ("lottery", r"\theta \leftarrow m \odot \theta_0, \qquad d_r \approx 0.8^{\,r}", True),
    ("at_init", None, False),
    ("sharing", r"B = N \, \lceil \log_2 k \rceil + 32\, k", True),
)
CSR_BYTES = r"B_{\mathrm{CSR}} = 4N + 4N + 4\,(R + 1) = 8N + 4\,(R + 1)"
COMPACT = (
    r"W_1 \in \mathbb{R}^{64 \times 100},\; W_2 \in \mathbb{R}^{100 \times 10}"
    r" \quad\longrightarrow\quad"
    r" W_1' \in \mathbb{R}^{64 \times 60},\; W_2' \in \mathbb{R}^{60 \times 10}"
)
ALL_PRUNED = (
    r"W_L = 0 \;\Rightarrow\; z = h\, W_L + b_L = b_L"
    r" \;\Rightarrow\; \hat{y} = \arg\max_c \, b_{L,c}"
)
