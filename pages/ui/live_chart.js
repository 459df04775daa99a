// A Plotly chart that stays on the page and is updated in place.
// Streamlit calls this function on mount and again with every new figure.
let loading = null;

// A step that changes only layout decorations (shapes, annotations, images) is drawn
// with Plotly.relayout, which redraws just those: about 2 ms for the Prune page's shapes
// and image, against 15 ms or more for any call that touches trace data (Plotly.animate
// recomputes every trace and waits for the next frame; Plotly.react redraws every
// panel). Changed annotations are slower (Plotly recomputes more for them) but still
// correct. Decorations do not rescale axes, so this needs every axis to have a fixed
// range. Text that a trace shows only on hover is brought up to date when the pointer
// comes over the chart. Any other change takes Plotly.react.
const DECORATIONS = ["shapes", "annotations", "images"];
const isAxis = (key) => /^[xy]axis\d*$/.test(key);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const hoverOnlyText = (t) => t.type === "scatter" && !(t.mode || "").includes("text");

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

// The figure arranged for a chart `width` px wide: `responsive` lists layouts for charts
// narrower than `below` px, narrowest first, each merged into the layout one level deep
// (axis domains, legend positions, height), so a phone stacks the panels.
const arrangement = (figure, width) => (figure.responsive || []).findIndex((r) => width < r.below);

function arranged(figure, width) {
  const pick = (figure.responsive || [])[arrangement(figure, width)];
  if (!pick) return { data: figure.data, layout: figure.layout };
  const layout = { ...figure.layout };
  for (const [key, value] of Object.entries(pick.layout)) {
    const nested = value && typeof value === "object" && !Array.isArray(value);
    layout[key] = nested ? { ...layout[key], ...value } : value;
  }
  return { data: figure.data, layout };
}

// What turns figure `old` into `next` without a redraw, or null when it needs one.
function moves(old, next) {
  if (!old || old.data.length !== next.data.length) return null;
  const axes = Object.keys(next.layout).filter(isAxis);
  if (!axes.every((key) => Array.isArray(next.layout[key].range))) return null;
  const hover = new Map();
  for (let i = 0; i < next.data.length; i++) {
    const a = old.data[i], b = next.data[i];
    if (same(a, b)) continue;
    if (!hoverOnlyText(b) || !same({ ...a, text: null }, { ...b, text: null })) return null;
    hover.set(i, b.text);
  }
  const layout = {};
  for (const key of new Set([...Object.keys(old.layout), ...Object.keys(next.layout)])) {
    if (same(old.layout[key], next.layout[key])) continue;
    if (!DECORATIONS.includes(key)) return null;
    layout[key] = next.layout[key] || [];
  }
  return { layout, hover };
}

async function draw(Plotly, chart, { source, font, config }) {
  chart.arrangement = arrangement(source, chart.clientWidth);
  const figure = arranged(source, chart.clientWidth);
  const layout = { ...figure.layout, font: { ...font, ...figure.layout.font } };
  chart.style.height = `${layout.height}px`;
  const step = moves(chart.figure, figure);
  chart.figure = structuredClone(figure);  // Plotly writes into the objects it is given
  if (!step) {
    chart.hover = new Map();
    return Plotly.react(chart, figure.data, layout, config);
  }
  chart.dataset.moved = String(Number(chart.dataset.moved || 0) + 1);  // for the tests
  step.hover.forEach((text, i) => chart.hover.set(i, text));
  if (Object.keys(step.layout).length) await Plotly.relayout(chart, step.layout);
}

// Hover-only text left behind by fast steps, restyled before Plotly sees the pointer
// (pointermove comes before the mousemove that Plotly's hover listens to).
function refreshHover(Plotly, chart) {
  if (!chart.hover.size || chart.busy) return;
  const traces = [...chart.hover.keys()];
  Plotly.restyle(chart, { text: traces.map((i) => chart.hover.get(i)) }, traces);
  chart.hover = new Map();
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
    chart.hover = new Map();  // trace index -> hover text not yet drawn
    parentElement.appendChild(chart);
  }
  chart.setAttribute("aria-label", alt);
  chart.style.height = `${arranged(figure, chart.clientWidth).layout.height}px`;  // no jump
  loadPlotly(src)
    .then((Plotly) => {
      const font = { family: getComputedStyle(document.body).fontFamily };
      chart.latest = { source: figure, font, config };
      return schedule(Plotly, chart, chart.latest).then(() => {
        if (!chart.resizer) {  // follow the page's width, e.g. when the sidebar closes
          chart.resizer = new ResizeObserver(() => {
            if (arrangement(chart.latest.source, chart.clientWidth) !== chart.arrangement) {
              schedule(Plotly, chart, chart.latest);  // another arrangement: draw it anew
            } else {
              Plotly.Plots.resize(chart);
            }
          });
          chart.resizer.observe(chart);
          chart.addEventListener("pointermove", () => refreshHover(Plotly, chart), { capture: true });
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
