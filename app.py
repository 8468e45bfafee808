"""Loss Surface Lab: entry point."""

import streamlit as st

st.set_page_config(page_title="Loss Surface Lab", layout="wide")
st.title("Loss Surface Lab")
st.write("Optimizers racing across 2-D loss surfaces. The Playground is on its way.")
