"""App tests: the dashboard runs and shows the trained model's accuracy."""

from streamlit.testing.v1 import AppTest


def test_app_shows_accuracy_of_default_model():
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not at.exception
    assert at.metric[0].value.endswith("%")
    assert float(at.metric[0].value.rstrip("%")) > 90
