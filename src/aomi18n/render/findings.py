"""Findings as compiler-style text, JSON, GitHub annotations, JUnit XML and SARIF (``check``)."""

from __future__ import annotations

from typing import Any

from ..langid import language_name


def findings_text(analysis) -> str:
    """Compiler-style lines: ``path:line: kind: message``, then a summary."""
    out = []
    src, tgt = analysis.config.source_lang, analysis.config.target_lang
    src_name, tgt_name = language_name(src), language_name(tgt)
    for f in analysis.findings:
        loc = f.primary
        where = f"{loc.path}:{loc.line}" if loc else "-"
        other = f" [{src} {f.source.path}:{f.source.line}]" if f.target and f.source else ""
        out.append(f"{where}: {f.severity}: {f.kind}: {f.message}{other}\n")
    s = analysis.summary()
    kinds = ", ".join(f"{v} {k}" for k, v in s["by_kind"].items()) or "no findings"
    out.append(
        f"\n{s['documents']['source']} {src_name} documents, {s['documents']['paired']} with {tgt_name}; "
        f"{tgt_name} coverage {s['coverage']}% of {s['words']} {src_name} words; {s['findings']} findings ({kinds})"
        + (f"; {s['suppressed']} suppressed" if s["suppressed"] else "") + "\n"
    )
    return "".join(out)


def findings_json(analysis) -> dict[str, Any]:
    pairs = []
    for r in analysis.results:
        d = r.pair.to_dict()
        d.update(r.figures())
        pairs.append(d)
    return {
        # Version 2: finding sides are "source" and "target" (version 1 said "fr" and "en").
        "version": 2,
        "tool": {"name": "aomi18n", "version": _version()},
        "languages": {"source": analysis.config.source_lang, "target": analysis.config.target_lang},
        "pairs": pairs,
        "findings": [f.to_dict() for f in analysis.findings],
        "summary": analysis.summary(),
    }


def _version() -> str:
    from .. import __version__

    return __version__


def findings_github(analysis) -> str:
    """GitHub Actions workflow commands (::error file=...,line=...::message)."""
    level = {"error": "error", "warning": "warning", "info": "notice"}
    out = []
    for f in analysis.findings:
        loc = f.primary
        msg = f.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        if loc:
            out.append(f"::{level[str(f.severity)]} file={loc.path},line={loc.line},endLine={loc.end_line},title=aomi18n {f.kind}::{msg}\n")
        else:
            out.append(f"::{level[str(f.severity)]} title=aomi18n {f.kind}::{msg}\n")
    return "".join(out)


def findings_junit(analysis) -> str:
    """JUnit XML: one testsuite per source document, one failing testcase per finding.

    Valid against both Jenkins' and Ant's JUnit schemas (Ant's wants properties,
    system-out/err, timestamp, hostname, id and package on every suite). The
    timestamp honours SOURCE_DATE_EPOCH.
    """
    import socket
    import time
    import xml.etree.ElementTree as ET

    from .. import __version__
    from ..config import build_time

    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", build_time())
    host = socket.gethostname() or "localhost"
    root = ET.Element("testsuites")
    # The root carries no attributes: Ant's schema allows none (Jenkins' allows them).
    for k, r in enumerate(analysis.results):
        name = (r.pair.source or r.pair.target).path
        # one testcase per finding, or one passing testcase for a clean document
        suite = ET.SubElement(root, "testsuite", name=name, package="aomi18n", id=str(k), timestamp=stamp,
                              hostname=host, tests=str(len(r.findings) or 1), failures=str(len(r.findings)),
                              errors="0", time="0")
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="aomi18n.version", value=__version__)
        for f in r.findings:
            loc = f.primary
            case = ET.SubElement(suite, "testcase", name=f"{loc.path}:{loc.line}" if loc else name,
                                 classname="aomi18n." + f.kind, time="0")
            ET.SubElement(case, "failure", type=f.kind, message=f.message).text = f.message
        if not r.findings:
            ET.SubElement(suite, "testcase", name=name, classname="aomi18n", time="0")
        ET.SubElement(suite, "system-out")
        ET.SubElement(suite, "system-err")
    ET.indent(root, "  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def findings_sarif(analysis) -> dict[str, Any]:
    """SARIF 2.1.0, one rule per check kind."""
    from ..checks import REGISTRY

    level = {"error": "error", "warning": "warning", "info": "note"}
    rules = [
        {"id": c.id, "name": c.id, "shortDescription": {"text": c.description},
         "defaultConfiguration": {"level": level[str(c.severity)]}}
        for c in REGISTRY.values()
    ]
    results = []
    for f in analysis.findings:
        locs = []
        for loc in (f.target, f.source):
            if loc:
                locs.append({"physicalLocation": {"artifactLocation": {"uri": loc.path},
                                                  "region": {"startLine": loc.line, "endLine": loc.end_line}}})
        res = {"ruleId": f.kind, "level": level[str(f.severity)], "message": {"text": f.message}}
        if locs:
            res["locations"] = locs[:1]
            if len(locs) > 1:
                res["relatedLocations"] = [dict(l, id=k) for k, l in enumerate(locs[1:])]
        results.append(res)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "aomi18n", "version": _version(), "informationUri": "https://example.invalid/aomi18n", "rules": rules}},
                  "results": results}],
    }
