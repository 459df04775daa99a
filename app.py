"""Pruning Playground dashboard (first slice): train the default model and show its accuracy."""

import streamlit as st

import pruning


@st.cache_resource(max_entries=8, show_spinner="Training the default digits model…")
def default_model():
    data = pruning.load_dataset("digits")
    return data, pruning.train(data)


st.set_page_config(page_title="Pruning Playground", page_icon="✂️", layout="wide")
st.title("Pruning Playground")
data, net = default_model()
accuracy = pruning.evaluate(net, data.X_test, data.y_test).accuracy
st.metric("Test accuracy of the dense digits model", f"{accuracy:.1%}")
st.caption(f"{net.n_parameters:,} parameters, trained for {len(net.history)} epochs.")
