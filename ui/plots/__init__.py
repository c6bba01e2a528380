"""Figure builders: pure functions, arrays in, ``plotly.graph_objects.Figure`` out (no streamlit here).

- ``colors``: the one palette (a colour per gate/state and series role) and the fixed heatmap scales.
- ``series``: a series with its train / validation / test split; min/max downsampling for long series.
- ``gates``: heatmap grid, one unit's curves, cell-state composition, gate saturation.

Builders take ``lang`` for their labels and use ``ui.i18n.translate``; pages show them with
``ui.widgets.show_figure``.
"""
