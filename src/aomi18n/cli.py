"""The command line: a thin click layer over the library.

It reads options, calls the library, renders, and turns every
:class:`~aomi18n.errors.Aomi18nError` into ``path:line: message`` and exit status 2.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import Aomi18nError

EXIT_FINDINGS = 1
EXIT_ERROR = 2
_interrupt_seen = False  # set by Ctrl-C, even when the KeyboardInterrupt itself was swallowed


def _on_sigint(signum, frame):
    global _interrupt_seen
    _interrupt_seen = True
    raise KeyboardInterrupt


def _quiet_interrupts(default_hook):
    """An unraisable-exception hook that stays silent on KeyboardInterrupt.

    Ctrl-C can land in a weakref callback or a ``__del__`` (an import lock's, say),
    where Python prints "Exception ignored" with a traceback and goes on; the command
    then stops at its end, from the flag, with the usual message.
    """

    def hook(unraisable):
        if not (isinstance(unraisable.exc_type, type) and issubclass(unraisable.exc_type, KeyboardInterrupt)):
            default_hook(unraisable)

    return hook


def _finite(ctx, param, value):
    """A number option must be a number: nan and inf are refused."""
    import math

    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number", param=param)
    return value


def _locked(fn):
    """A command that writes into the project: one at a time (see writer.project_lock)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .writer import project_lock

        project = Path(kwargs.get("project") or ".")
        with project_lock(project if project.is_dir() else Path(".")):
            from .config import load_config
            from .writer import sweep_leftovers

            config = load_config(project)
            for p in sweep_leftovers((config.target_path, config.source_path, config.po_path)):
                click.echo(f"aomi18n: removed {p}, left by an interrupted run", err=True)
            return fn(*args, **kwargs)

    return wrapper


def _errors(fn):
    """Turn library errors into a clear message and exit status 2 (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
            if _interrupt_seen:
                raise KeyboardInterrupt
            return result
        except Aomi18nError as exc:
            click.echo(f"aomi18n: error: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("aomi18n: interrupted; no file was left half-written", err=True)
            sys.exit(130)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aomi18n")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None, metavar="N",
              help="Processes for the pairs to (re)do. Default: all cores once there are enough pairs.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache in the project's .aomi18n-cache/.")
@click.option("--semantic", is_flag=True, default=None,
              help="Align with the meaning model too (needs: pip install 'aomi18n[semantic]'). Default: the configuration's semantic.")
@click.pass_context
def cli(ctx: click.Context, jobs: int | None, no_cache: bool, semantic: bool | None) -> None:
    """Keep a French-source, English-translation corpus honest.

    Pair and align documents, find what is untranslated, drifted, stale or
    off-glossary, and run the PO round trip with translators.

    Results are cached per document pair in .aomi18n-cache/ (safe to delete): a
    re-run only redoes the pairs whose files, glossary or configuration changed.
    Example: aomi18n --jobs 2 check
    """
    ctx.obj = {"jobs": jobs, "use_cache": not no_cache, "semantic": semantic or None}


def _run() -> dict:
    """The group's --jobs/--no-cache, for analyze()."""
    ctx = click.get_current_context(silent=True)
    obj = (ctx.find_root().obj if ctx else None) or {}
    return {"jobs": obj.get("jobs"), "use_cache": obj.get("use_cache", True), "semantic": obj.get("semantic")}


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("--lang", "languages", multiple=True, default=("fr", "en"), show_default=True, help="Languages to identify among (repeatable).")
@_errors
def segments(file: Path, fmt: str, languages: tuple[str, ...]) -> None:
    """Show the blocks and sentences of FILE with their line spans and language.

    Example: aomi18n segments corpus/fr/oim-maroc-conference-cloture-salemm.txt --format json
    """
    from .documents import read_document
    from .render.alignment import segments_json, segments_text

    doc = read_document(file, languages=tuple(languages))
    if fmt == "json":
        click.echo(json.dumps(segments_json(doc), ensure_ascii=False, indent=2))
    else:
        click.echo(segments_text(doc), nl=False)


@cli.command()
@click.argument("fr_file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("en_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "tmx"]), default="text", show_default=True)
@click.option("--segments", "level", type=click.Choice(["blocks", "sentences", "lines"]), default="blocks", show_default=True,
              help="Units to align: blocks, sentences inside blocks, or each non-empty line.")
@click.option("--source-lang", default="fr", show_default=True)
@click.option("--target-lang", default="en", show_default=True)
@click.option("--glossary", "glossary_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Glossary whose acronyms help alignment (default: glossary.yaml in the current folder, if any).")
@_errors
def align(fr_file: Path, en_file: Path, fmt: str, level: str, source_lang: str, target_lang: str, glossary_path: Path | None) -> None:
    """Align FR_FILE with EN_FILE and print the links.

    Example: aomi18n align corpus/fr/groupe-travail-enfants-migrants-plan-2017-2018.txt
    corpus/en/working-group-migrant-children-action-plan.txt --format json
    """
    from .alignment import FeatureScorer, align as do_align
    from .analysis import acronym_map
    from .documents import read_document, units
    from .glossary import load_glossary
    from .render.alignment import alignment_json, alignment_text, alignment_tmx

    langs = (source_lang, target_lang)
    ident = level != "lines"
    src = read_document(fr_file, languages=langs, identify=ident)
    tgt = read_document(en_file, languages=langs, identify=ident)
    gpath = glossary_path or Path("glossary.yaml")
    glossary = load_glossary(gpath) if (glossary_path or gpath.is_file()) else None
    su, tu = units(src, level), units(tgt, level)
    scorer = FeatureScorer(acronyms=acronym_map(glossary) if glossary else {})
    meaning = None
    if _run()["semantic"]:
        from .semantic import load_backend

        meaning = load_backend()
    result = do_align([u.text for u in su], [u.text for u in tu], scorer=scorer, level=level,
                      source_hints=[u.hints for u in su], target_hints=[u.hints for u in tu], meaning=meaning)
    if fmt == "json":
        click.echo(json.dumps(alignment_json(src, tgt, su, tu, result, level, langs), ensure_ascii=False, indent=2))
    elif fmt == "tmx":
        click.echo(alignment_tmx(su, tu, result, langs), nl=False)
    else:
        click.echo(alignment_text(src, tgt, su, tu, result), nl=False)


@cli.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_errors
def pairs(project: Path, fmt: str) -> None:
    """List the source/translation document pairs of PROJECT and the unpaired documents.

    Each pair says how it was made (manifest, name, content) and how sure it is.

    Example: aomi18n pairs . --format json
    """
    from .config import load_config
    from .corpus import load_corpus, pair_documents
    from .glossary import load_glossary

    from .langid import language_name

    config = load_config(project)
    glossary = load_glossary(config.glossary_path, config.source_lang, config.target_lang)
    result = pair_documents(load_corpus(config, identify=False), glossary)
    if fmt == "json":
        click.echo(json.dumps({"languages": {"source": config.source_lang, "target": config.target_lang},
                               "pairs": [p.to_dict() for p in result]}, ensure_ascii=False, indent=2))
        return
    src_name, tgt_name = language_name(config.source_lang), language_name(config.target_lang)
    for p in result:
        if p.paired:
            click.echo(f"{p.source.path}  <->  {p.target.path}  ({p.method}, confidence {p.confidence:.2f})")
    for p in result:
        if p.source and not p.target:
            click.echo(f"{p.source.path}  ->  no {tgt_name}")
        elif p.target and not p.source:
            click.echo(f"no {src_name}  <-  {p.target.path}")


@cli.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "github", "sarif"]), default="text", show_default=True,
              help="text: compiler-style lines; json: machine-readable; junit, sarif: for CI viewers; github: workflow annotations.")
@click.option("--fail-on", default=None, metavar="KINDS|SEVERITY",
              help="Exit 1 when a finding reaches this severity (info, warning, error), is one of these kinds "
                   "(comma-separated), or 'never'. Default: the configuration's fail_on (warning).")
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=None, metavar="PCT", callback=_finite,
              help="Exit 1 when the English covers less than PCT % of the French words.")
@click.option("--select", default="", metavar="CHECKS", help="Run only these checks (comma-separated ids).")
@click.option("--ignore", default="", metavar="CHECKS", help="Skip these checks (comma-separated ids).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite an output file that aomi18n did not write.")
@_errors
def check(project: Path, fmt: str, fail_on: str | None, min_coverage: float | None, select: str, ignore: str,
          output: Path | None, force: bool) -> None:
    """Check PROJECT's English against its French; exit 0 clean, 1 findings, 2 errors.

    Example: aomi18n check . --format json --fail-on error
    """
    from .analysis import analyze, gate
    from .config import load_config, parse_fail_on
    from .render.findings import findings_github, findings_json, findings_junit, findings_sarif, findings_text

    config = load_config(project)
    spec = fail_on or config.fail_on
    try:
        parse_fail_on(spec)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fail-on") from None
    analysis = analyze(config, select=_ids(select), ignore=_ids(ignore), progress=_progress("checking"),
                       light=True, **_run())
    if analysis.glossary.path is None and "glossary" not in _ids(ignore):
        click.echo(f"aomi18n: note: no glossary ({config.glossary} not found): glossary terms are not checked", err=True)
    if fmt == "json":
        text = json.dumps(findings_json(analysis), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "sarif":
        text = json.dumps(findings_sarif(analysis), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "junit":
        text = findings_junit(analysis)
    elif fmt == "github":
        text = findings_github(analysis)
    else:
        text = findings_text(analysis)
    _emit(text, output, config, force)
    reasons = gate(analysis, spec, min_coverage if min_coverage is not None else config.min_coverage)
    for why in reasons:
        click.echo(f"aomi18n: failing: {why}", err=True)
    sys.exit(EXIT_FINDINGS if reasons else 0)


@cli.group()
def po() -> None:
    """The translators' loop: PO files out of the corpus, and back into the English.

    Layout: po/en/<French name>.po per French document (po/en/_shared.po for French
    found in several documents), po/templates/*.pot, and po/.sync/ (the record of
    what was exported; keep it with the PO files).
    """


def _po_analysis(project: Path, output: Path | None, lazy: bool = False):
    from dataclasses import replace

    from .analysis import analyze
    from .config import load_config

    config = load_config(project)
    if output is not None:
        config = replace(config, po_dir=str(output if output.is_absolute() else Path.cwd() / output))
    return analyze(config, level=config.segments, progress=_progress("aligning"), lazy=lazy, **_run())


def _report_written(result) -> None:
    for path in result.written:
        click.echo(f"wrote {path}")
    for path, why in result.skipped:
        click.echo(f"aomi18n: skipped {path}: {why}", err=True)
    stats = ", ".join(f"{v} {k}" for k, v in sorted(result.stats.items()))
    click.echo(f"{len(result.written)} files written, {len(result.unchanged)} unchanged" + (f"; entries: {stats}" if stats else ""), err=True)


@po.command("export")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the PO files (default: the configuration's po_dir, po/).")
@click.option("--force", is_flag=True, help="Overwrite PO files that exist with other content (default: leave them to 'po update').")
@click.option("--no-templates", is_flag=True, help="Do not write the POT templates.")
@_errors
@_locked
def po_export(project: Path, output: Path | None, force: bool, no_templates: bool) -> None:
    """Write one PO file per French document: msgid French, msgstr the aligned English.

    Example: aomi18n po export . -o po/
    """
    from .po import export

    _report_written(export(_po_analysis(project, output, lazy=True), force=force, templates=not no_templates,
                           jobs=_run()["jobs"]))


@po.command("update")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder of the PO files.")
@click.option("--no-templates", is_flag=True, help="Do not write the POT templates.")
@_errors
@_locked
def po_update(project: Path, output: Path | None, no_templates: bool) -> None:
    """Merge the current French into the PO files, keeping every translation.

    Changed French becomes fuzzy with the previous French as #| msgid; vanished
    French becomes obsolete (#~).

    Example: aomi18n po update .
    """
    from .po import update

    _report_written(update(_po_analysis(project, output, lazy=True), templates=not no_templates, jobs=_run()["jobs"]))


@po.command("import")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("-o", "--output", "po_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder of the PO files.")
@click.option("--dry-run", is_flag=True, help="Show the diff of what would change; write nothing.")
@click.option("--fuzzy", "use_fuzzy", is_flag=True, help="Import fuzzy entries too.")
@click.option("--force", is_flag=True, help="Take the PO's text even where the English was edited by hand since the export.")
@click.option("--keep", type=click.FloatRange(0, 100), default=80.0, show_default=True, metavar="PCT",
              help="Create a missing English document only when PCT % of its French words are translated.")
@_errors
@_locked
def po_import(project: Path, po_dir: Path | None, dry_run: bool, use_fuzzy: bool, force: bool, keep: float) -> None:
    """Write the translated msgstr back into the English documents, in place.

    Untouched English stays byte for byte; English the PO does not cover stays;
    a conflict (English edited by hand since the export) is reported and left alone
    (exit status 1).

    Example: aomi18n po import . --dry-run
    """
    from .po import import_po

    result = import_po(_po_analysis(project, po_dir), fuzzy=use_fuzzy, force=force, keep=keep, dry_run=dry_run)
    if dry_run:
        click.echo(result.diff(), nl=False)
    for c in result.conflicts:
        click.echo(str(c), err=True)
    for s in result.refused:
        click.echo(s, err=True)
    for s in result.skipped:
        click.echo(f"aomi18n: {s}", err=True)
    verb = "would change" if dry_run else "changed"
    click.echo(f"{result.applied} entries imported; {verb} {len(result.changed)} files"
               + (f" (created {len(result.created)})" if result.created else "")
               + (f"; {len(result.conflicts)} conflicts left alone" if result.conflicts else "")
               + (f"; {len(result.refused)} entries refused" if result.refused else ""), err=True)
    sys.exit(EXIT_FINDINGS if result.conflicts or result.refused else 0)


@cli.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--min-score", type=click.FloatRange(0, 100), default=None, metavar="SCORE",
              help="Translation-memory matches under this similarity (0-100) are not offered (default: tm_min_score, 75).")
@click.option("--mt", "service", type=click.Choice(["libre", "deepl", "google", "microsoft", "mymemory"]), default=None,
              help="Also ask this machine-translation service for what the memory cannot fill (opt-in; online).")
@click.option("--mt-url", default=None, metavar="URL", help="LibreTranslate server (default: https://libretranslate.com).")
@click.option("--dry-run", is_flag=True, help="Count the suggestions; write nothing.")
@_errors
@_locked
def suggest(project: Path, min_score: float | None, service: str | None, mt_url: str | None, dry_run: bool) -> None:
    """Fill empty PO entries from the translation memory (and machine translation, if asked).

    Every suggestion is marked fuzzy with its origin and score in a comment.

    Example: aomi18n suggest . --mt libre --mt-url http://localhost:5000
    """
    from .config import load_config
    from .glossary import load_glossary
    from .mt import MachineTranslator
    from .suggest import suggest as do_suggest

    config = load_config(project)
    if not (config.po_path / config.target_lang).is_dir():
        raise click.UsageError(f"no PO files in {config.po_path / config.target_lang}; run 'aomi18n po export' first")
    glossary = load_glossary(config.glossary_path, config.source_lang, config.target_lang)
    translator = None
    if service:
        translator = MachineTranslator(service, config.source_lang, config.target_lang, url=mt_url,
                                       cache_dir=config.root / config.cache_dir, glossary=glossary)
    result = do_suggest(config, glossary, min_score=min_score, translator=translator, dry_run=dry_run)
    for path in result.files:
        click.echo(f"{'would write' if dry_run else 'wrote'} {path}")
    click.echo(f"{result.memory} from translation memory, {result.machine} machine-translated, {result.left} left empty "
               "(all marked fuzzy: review them, then 'aomi18n po import')", err=True)
    if result.error:
        click.echo(f"aomi18n: error: {result.error}", err=True)
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.option("--document", "documents", multiple=True, metavar="PATH", help="Only this document (a path, part of one, or a glob; repeatable).")
@click.option("--kind", "kinds", default="", metavar="KINDS", help="Only these kinds (comma-separated).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to this file.")
@click.option("--force", is_flag=True, help="Overwrite an output file that aomi18n did not write.")
@_errors
def queue(project: Path, fmt: str, documents: tuple[str, ...], kinds: str, output: Path | None, force: bool) -> None:
    """The translators' work list, most important first, with word counts and places.

    Example: aomi18n queue . --kind untranslated,drift --format csv -o queue.csv
    """
    from .analysis import analyze
    from .checks import KINDS
    from .config import load_config
    from .queue import build_queue
    from .render.queue import queue_csv, queue_json, queue_text

    wanted = _ids(kinds)
    for k in wanted:
        if k not in KINDS:
            raise click.BadParameter(f"unknown kind {k!r} (known: {', '.join(KINDS)})", param_hint="--kind")
    config = load_config(project)
    analysis = analyze(config, **_run())
    if documents:
        import fnmatch

        paths = [(r.pair.source or r.pair.target).path for r in analysis.results]
        for d in documents:
            if not any(fnmatch.fnmatch(p, d) or d in p for p in paths):
                raise click.BadParameter(f"{d!r} matches no document of the project", param_hint="--document")
    items = build_queue(analysis, documents=documents, kinds=wanted)
    if fmt == "json":
        text = json.dumps(queue_json(items), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        text = queue_csv(items)
    else:
        text = queue_text(items, config.source_lang, config.target_lang)
    _emit(text, output, config, force)


@cli.group()
def glossary() -> None:
    """The glossary (glossary.yaml): check the English against it, fix it, show it."""


@glossary.command("check")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_errors
def glossary_check(project: Path, fmt: str) -> None:
    """Validate glossary.yaml and report every glossary finding; exit 1 when there is one.

    Example: aomi18n glossary check . --format json
    """
    from .analysis import analyze
    from .config import load_config
    from .render.findings import findings_json, findings_text

    analysis = analyze(load_config(project), select=("glossary",), **_run())
    if fmt == "json":
        click.echo(json.dumps(findings_json(analysis), ensure_ascii=False, indent=2))
    else:
        click.echo(findings_text(analysis), nl=False)
    sys.exit(EXIT_FINDINGS if analysis.findings else 0)


@glossary.command("apply")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--dry-run", is_flag=True, help="Show the diff only; write nothing.")
@_errors
@_locked
def glossary_apply(project: Path, dry_run: bool) -> None:
    """Fix the English where the fix is unambiguous ("HCR" -> "UNHCR"); the diff is shown first.

    Example: aomi18n glossary apply . --dry-run
    """
    from .config import load_config
    from .corpus import load_corpus
    from .fixes import glossary_fixes
    from .glossary import load_glossary
    from .writer import write_bytes

    config = load_config(project)
    terms = load_glossary(config.glossary_path, config.source_lang, config.target_lang)
    fixes = [(d, f) for d in load_corpus(config, identify=False).targets if (f := glossary_fixes(d, terms))]
    for _, f in fixes:
        click.echo(f.diff(), nl=False)
    count = sum(len(f.replacements) for _, f in fixes)
    if not dry_run:
        for d, f in fixes:
            write_bytes(config.target_path / d.relpath, f.new)
    verb = "would fix" if dry_run else "fixed"
    click.echo(f"{verb} {count} glossary forms in {len(fixes)} files", err=True)


@glossary.command("show")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "tbx"]), default="text", show_default=True,
              help="text: a table; csv: for spreadsheets; tbx: TermBase eXchange for CAT tools and Weblate.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to this file.")
@click.option("--force", is_flag=True, help="Overwrite an output file that aomi18n did not write.")
@_errors
def glossary_show(project: Path, fmt: str, output: Path | None, force: bool) -> None:
    """Show the glossary to translators: French, required English, forbidden forms, notes.

    Example: aomi18n glossary show . --format tbx -o glossary.tbx
    """
    from .config import load_config
    from .glossary import load_glossary
    from .render.glossary import glossary_csv, glossary_tbx, glossary_text

    config = load_config(project)
    terms = load_glossary(config.glossary_path, config.source_lang, config.target_lang)
    render = {"csv": glossary_csv, "tbx": glossary_tbx}.get(fmt, glossary_text)
    _emit(render(terms, config.source_lang, config.target_lang), output, config, force)


@cli.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="html: a folder (default: report/), or a file name ending in .html for the overview with its "
                   "pages in NAME_pairs/ beside it; md, json: a file (default: standard output).")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "json"]), default="html", show_default=True,
              help="html: an overview page and one page per document, side by side; md: for an issue or a wiki; "
                   "json: check's JSON plus the report figures.")
@click.option("--lang", "ui_lang", type=click.Choice(["en", "fr"]), default="en", show_default=True, help="Language of the report.")
@click.option("--force", is_flag=True, help="Overwrite output files that aomi18n did not write.")
@_errors
def report(project: Path, output: Path | None, fmt: str, ui_lang: str, force: bool) -> None:
    """The completeness report for the president's office: where the translation stands, in plain words.

    Example: aomi18n report . -o report --lang fr
    """
    from .analysis import analyze
    from .config import load_config
    from .render.report import render_markdown, report_data

    config = load_config(project)
    analysis = analyze(config, progress=_progress("analysing"), lazy=True, **_run())
    if fmt == "json":
        _emit(json.dumps(report_data(analysis), ensure_ascii=False, indent=2) + "\n", output, config, force)
        return
    if fmt == "md":
        _emit(render_markdown(analysis, ui_lang), output, config, force)
        return
    from .render.html import render_html

    output = output or Path("report")
    if output.suffix.lower() in (".html", ".htm"):
        folder, overview_name, pages = output.parent, output.name, f"{output.stem}_pairs"
    else:
        folder, overview_name, pages = output, "index.html", "pairs"
    from .writer import PageRecord

    record = PageRecord(_outputs_record(config, "report-pages.json"))
    overview, pair_pages, keys = render_html(analysis, ui_lang, overview_name=overview_name, pages=pages,
                                             reuse=None if force else (lambda name, key: record.current(folder / name, key)))
    files = {folder / overview_name: overview} | {folder / name: html for name, html in pair_pages.items() if html is not None}
    kept = tuple(folder / name for name, html in pair_pages.items() if html is None)
    _emit_files(files, config, force, replaces=(folder / pages,), kept=kept)
    record.save({folder / name: key for name, key in keys.items()})
    click.echo(f"wrote {folder / overview_name} and {len(files) - 1} document pages in {folder / pages} "
               f"({len(kept)} unchanged)", err=True)


@cli.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")
@_errors
def status(project: Path) -> None:
    """Where the translation stands, as a terminal table: a title and a bar per document.

    Example: aomi18n status .
    """
    from .analysis import analyze
    from .config import load_config
    from .render.terminal import print_status

    config = load_config(project)
    print_status(analyze(config, lazy=True, **_run()))


def _progress(label: str):
    from .render.terminal import RunProgress

    return RunProgress(label)


def _ids(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


def _emit(text: str, output: Path | None, config=None, force: bool = False) -> None:
    """Standard output, or an output file: never into the corpus, never over a file
    aomi18n did not write (unless --force)."""
    if output is None:
        click.echo(text, nl=False)
        return
    from .writer import write_output

    record = protected = None
    if config is not None:
        record = _outputs_record(config)
        protected = (config.source_path, config.target_path)
    write_output(output, text, record=record, protected=protected or (), force=force)
    click.echo(f"wrote {output}", err=True)


def _outputs_record(config, name: str = "outputs.json") -> Path | None:
    """A record of outputs written, in the cache folder, which --no-cache (or
    AOMI18N_NO_CACHE) leaves alone: then an existing output file needs --force."""
    import os

    if _run()["use_cache"] and not os.environ.get("AOMI18N_NO_CACHE"):
        return config.root / config.cache_dir / name
    return None


def _emit_files(files: dict[Path, str], config, force: bool, replaces: tuple[Path, ...] = (),
                kept: tuple[Path, ...] = ()) -> None:
    """Output files written as one batch (a report's pages): all checked, then each renamed
    into place; never into the corpus, never over a file aomi18n did not write."""
    from .writer import write_outputs

    write_outputs(files, record=_outputs_record(config), protected=(config.source_path, config.target_path),
                  force=force, durable=False, replaces=replaces, kept=kept)


def main() -> None:
    import signal

    from . import fewer_collections

    fewer_collections()
    signal.signal(signal.SIGINT, _on_sigint)
    signal.signal(signal.SIGTERM, _on_sigint)  # a polite kill stops like Ctrl-C: no temporary file left
    sys.unraisablehook = _quiet_interrupts(sys.unraisablehook)
    try:
        cli(prog_name="aomi18n")
    except KeyboardInterrupt:  # before or after a command's own handler
        click.echo("aomi18n: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
