"""hipmodel explorer: ``streamlit run app.py``.

The entry point only: the page's settings, then the page (hipmodel.app.page: the title,
the tabs, the link). Widgets live in hipmodel/app/; every number comes from hipmodel.
"""

import streamlit as st

from hipmodel.app import page

st.set_page_config(page_title="hipmodel: the piriformis and the hip rotators", layout="wide")
page.main()
