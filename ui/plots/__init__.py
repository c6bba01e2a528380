"""Figure builders: pure functions, arrays in, ``plotly.graph_objects.Figure`` out (no streamlit here).

- ``colors``: the one palette (a colour per gate/state and series role) and the fixed heatmap scales.
- ``series``: a series with its train / validation / test split, and what every builder shares: min/max
  downsampling (``minmax_positions``, ``line_trace``), ``base_layout``, ``localize`` and the x-axis helpers.
- ``gates``: heatmap grid (its rows named by unit), one unit's curves, cell-state composition, gate saturation;
  ``cursor``: their time-step cursor, which the pages' players move in the browser.
- ``clamp``, ``compare``, ``forecast``, ``gradients``, ``replay``, ``training``: each page's figures (the Inside-the-cell
  drawing is ``ui.components.cell_view``).

The numbers they draw are computed outside: ``ui.cell_values``, ``ui.clamping``, ``ui.comparison``; tables and
verdicts are ``ui.tables``. Builders take ``lang`` for their labels and use ``ui.i18n.translate``; pages show
them with ``ui.widgets.show_figure``.
"""
