// Draws the dashboard's Plotly figures: each container names the JSON script holding its figure.
document.querySelectorAll("[data-plotly-figure]").forEach(function (container) {
  var source = document.getElementById(container.dataset.plotlyFigure);
  if (!source || typeof Plotly === "undefined") { return; }
  var figure = JSON.parse(source.textContent);
  var config = { displayModeBar: false, responsive: true };
  Plotly.newPlot(container, figure.data, figure.layout, config).then(function () {
    container.dataset.rendered = "true";
  });
});
