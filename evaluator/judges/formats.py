"""Judge formats for a run: a built-in by name (results/judge_formats.py), or a template file."""

from __future__ import annotations

from pathlib import Path

from results.judge_formats import DEFAULTS, FORMATS, MODES, SLOT_LETTERS, JudgeFormat, environment

from ..errors import ConfigError

__all__ = ["DEFAULTS", "FORMATS", "SLOT_LETTERS", "JudgeFormat", "file_format", "get_format"]


def file_format(path: str, mode: str = "pairwise") -> JudgeFormat:
    """A Jinja template file as a format, read with `mode`'s standard parser."""
    if mode not in MODES:
        raise ConfigError(f"unknown judge mode {mode!r}: choose one of {', '.join(MODES)}")
    file = Path(path)
    try:
        template = file.read_text(encoding="utf-8")
        environment().parse(template)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the judge template {path}: {exc}") from None
    except Exception as exc:  # jinja2.TemplateSyntaxError and friends
        raise ConfigError(f"the judge template {path} is not valid Jinja: {exc}") from None
    return JudgeFormat(name=f"file:{file.name}", mode=MODES[mode], template=template, parse=MODES[mode].parse)


def get_format(name_or_path: str, mode: str = "pairwise") -> JudgeFormat:
    """A built-in format by name, or a template file (which then has `mode`)."""
    if name_or_path in FORMATS:
        return FORMATS[name_or_path]
    if Path(name_or_path).is_file():
        return file_format(name_or_path, mode)
    raise ConfigError(
        f"unknown judge format {name_or_path!r}: choose one of {', '.join(FORMATS)}, or give a Jinja template file"
    )
