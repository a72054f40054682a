"""Streamlit helpers shared by app.py and the pages: language, workspace, the job runner, run polling."""
