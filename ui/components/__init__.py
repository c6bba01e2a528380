"""Views drawn by our own HTML and JavaScript, inlined (nothing fetched): they animate in the browser.

- ``player``: the Play / Pause / step / speed bar every animated view shares (``player.js`` runs it).
- ``chart_player``: that bar driving Plotly charts already on the page through their frames (Gates, Replay).
- ``cell_view``: the cell's diagram and its equations in one block, stepping through time, each term of an
  equation linked to its wire and box (Inside the cell).

Builders return strings (no streamlit); pages show them with ``st.html(..., unsafe_allow_javascript=True)``.
"""
