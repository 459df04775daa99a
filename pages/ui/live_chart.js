// A Plotly chart that stays on the page and is updated in place with Plotly.react.
// Streamlit calls this function on mount and again with every new figure.
let loading = null;

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
      return Plotly.react(chart, figure.data, { ...figure.layout, font }, config).then(() => {
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
