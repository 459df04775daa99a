"""The baseline for `make bench-app`: a bare Streamlit page with one slider and one chart."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("Bare")
value = st.slider("Value", 0, 100, 90)
xs = np.linspace(0, 1, 21)
st.plotly_chart(go.Figure(go.Scatter(x=xs, y=xs * value)), key="chart")
