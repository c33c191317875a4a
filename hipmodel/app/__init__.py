"""The Streamlit app: the only package that imports streamlit, imported only by app.py.

* :mod:`.page`: the title, the tabs (only the open one runs), the link;
* :mod:`.explorer`, :mod:`.nerve_tab`, :mod:`.stretches`, :mod:`.questions_tab`: one module a tab;
* :mod:`.state`: the state a link holds (parsed, checked, written back);
* :mod:`.memory`: widget values kept across tabs and reruns;
* :mod:`.cache`: the cached curves, maps and pictures;
* :mod:`.server`: start and stop a local server (browser tests, benchmarks).
"""
