"""Every renderer in one place, a module for what it renders.

- ``findings``: ``check``'s findings as text, JSON, GitHub annotations, JUnit and SARIF;
- ``alignment``: ``segments`` and ``align`` as text, JSON and TMX;
- ``glossary``: ``glossary show`` as a table, CSV and TBX;
- ``queue``: the translators' queue as text, JSON and CSV;
- ``report``: the completeness report's figures (JSON) and its Markdown;
- ``html``: the completeness report as an overview page and one page per document;
- ``terminal``: ``status``'s table and the progress bar (rich);
- ``strings``: the words of the report, in English and in French.

Renderers return text; writing files is :mod:`aomi18n.writer`'s job.
"""
