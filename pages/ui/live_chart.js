// A Plotly chart that stays on the page and is updated in place.
// Streamlit calls this function on mount and again with every new figure.
let loading = null;

// What Plotly.animate can move without redrawing the figure: trace coordinates and text
// (scatter and bar traces), and layout decorations, which Plotly.relayout redraws alone.
// Neither rescales an axis, so the fast path needs every axis to have a fixed range.
// Any other change (a new trace, an axis title, a heatmap's values) takes Plotly.react,
// which recomputes and redraws every panel: on the Prune page about three times slower.
const MOVING = ["x", "y", "text"];
const MOVABLE_TYPES = ["scatter", "bar"];
const DECORATIONS = ["shapes", "annotations", "images"];
const isAxis = (key) => /^[xy]axis\d*$/.test(key);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const without = (trace, keys) => Object.fromEntries(Object.entries(trace).filter(([k]) => !keys.includes(k)));

function loadPlotly(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        loading = null;
        reject(new Error(`could not load ${src}`));
      };
      document.head.appendChild(script);
    });
  }
  return loading;
}

// The moves that turn figure `old` into `next`, or null when a full redraw is needed.
function moves(old, next) {
  if (!old || old.data.length !== next.data.length) return null;
  const axes = Object.keys(next.layout).filter(isAxis);
  if (!axes.every((key) => Array.isArray(next.layout[key].range))) return null;
  const moved = new Set();
  for (let i = 0; i < next.data.length; i++) {
    const a = old.data[i], b = next.data[i];
    if (same(a, b)) continue;
    if (!MOVABLE_TYPES.includes(b.type) || !same(without(a, MOVING), without(b, MOVING))) return null;
    moved.add(i);
  }
  // Plotly redraws a subplot's bars together: animating one bar trace would drop the rest.
  const panel = (t) => `${t.type} ${t.xaxis || "x"} ${t.yaxis || "y"}`;
  const barPanels = new Set([...moved].map((i) => next.data[i]).filter((t) => t.type === "bar").map(panel));
  next.data.forEach((t, i) => barPanels.has(panel(t)) && moved.add(i));
  const traces = [...moved].sort((a, b) => a - b);
  const data = traces.map((i) => Object.fromEntries(MOVING.filter((k) => k in next.data[i]).map((k) => [k, next.data[i][k]])));
  const layout = {};
  for (const key of new Set([...Object.keys(old.layout), ...Object.keys(next.layout)])) {
    if (same(old.layout[key], next.layout[key])) continue;
    if (!DECORATIONS.includes(key)) return null;
    layout[key] = next.layout[key] || [];
  }
  return { traces, data, layout };
}

async function draw(Plotly, chart, { figure, layout, config }) {
  const step = moves(chart.figure, figure);
  chart.figure = structuredClone(figure);  // Plotly writes into the objects it is given
  if (!step) return Plotly.react(chart, figure.data, layout, config);
  chart.dataset.moved = String(Number(chart.dataset.moved || 0) + 1);  // for the tests
  if (step.traces.length) {
    await Plotly.animate(
      chart,
      { data: step.data, traces: step.traces },
      { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" },
    );
  }
  if (Object.keys(step.layout).length) await Plotly.relayout(chart, step.layout);
}

// Draw the newest figure only: while one draw runs, figures that arrive replace each
// other, so a fast drag never queues up stale frames.
function schedule(Plotly, chart, next) {
  chart.next = next;
  chart.busy = chart.busy || (async () => {
    try {
      while (chart.next) {
        const latest = chart.next;
        chart.next = null;
        await draw(Plotly, chart, latest);
      }
    } finally {
      chart.busy = null;
    }
  })();
  return chart.busy;
}

export default function ({ data, parentElement }) {
  const { figure, src, config, alt, error } = data;
  let chart = parentElement.querySelector(".live-chart");
  if (!chart) {
    chart = document.createElement("div");
    chart.className = "live-chart";
    chart.dataset.testid = "stLiveChart";
    chart.setAttribute("role", "figure");
    parentElement.appendChild(chart);
  }
  chart.setAttribute("aria-label", alt);
  loadPlotly(src)
    .then((Plotly) => {
      const font = { family: getComputedStyle(document.body).fontFamily, ...figure.layout.font };
      return schedule(Plotly, chart, { figure, layout: { ...figure.layout, font }, config }).then(() => {
        if (!chart.resizer) {  // follow the page's width, e.g. when the sidebar closes
          chart.resizer = new ResizeObserver(() => Plotly.Plots.resize(chart));
          chart.resizer.observe(chart);
        }
        chart.dataset.drawn = String(Number(chart.dataset.drawn || 0) + 1);
      });
    })
    .catch(() => {
      chart.textContent = error;
    });
  return () => {
    if (chart.resizer) chart.resizer.disconnect();
    chart.resizer = null;
  };
}
