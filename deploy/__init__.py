"""The class deployment: PostgreSQL, Dask, Streamlit replicas and HAProxy (`make class`)."""
