"""Placeholder."""

import streamlit as st

st.title("challenge")
