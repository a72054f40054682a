import streamlit as st

st.title("kdlab")
st.write("An interactive knowledge-distillation lab. The pages are coming.")
