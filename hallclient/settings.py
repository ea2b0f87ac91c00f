"""The one settings loader of the hall apps (kiosk, counter, display, ratepad).

Each app describes its settings as a dataclass whose fields carry `setting(...)` metadata.
Values come from, lowest first: the field defaults < a config file (YAML or JSON; `--config`,
`TONGBAN_<APP>_CONFIG` or the app's default path) < `TONGBAN_<APP>_<FIELD>` environment
variables (older names listed in `env=` still work) < command-line flags. Every value is
converted to the field's type; a bad one raises `SettingsError` naming where it came from, and
`cli()` turns that into a message on stderr and exit code 2. `--print-config` prints the
effective settings (secrets masked) and exits 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
META = "tongban_setting"
APPS = ("kiosk", "counter", "display", "ratepad")  # one file may hold a section for each


class SettingsError(ValueError):
    """A setting is missing or has a bad value (the message names its source)."""


@dataclasses.dataclass(frozen=True)
class Spec:
    """How one field is read: help text, flag, extra env names, parser."""

    help: str
    flag: str | None = None  # default: --field-name
    env: tuple[str, ...] = ()  # older environment names, read after TONGBAN_<APP>_<FIELD>
    choices: tuple[str, ...] | None = None
    cli: bool = True  # False: config file and environment only (e.g. mappings)
    secret: bool = False  # masked by --print-config
    required: bool = False  # must be set somewhere (checked after --print-config)
    parse: Callable[[Any, Mapping[str, str]], Any] | None = None  # (raw, environ) -> value
    parse_missing: bool = False  # also call `parse(None, environ)` when nothing set it
    negative_flag: tuple[str, str] | None = None  # (flag, help): a flag that sets False
    metavar: str | None = None


def setting(default: Any = dataclasses.MISSING, *, help: str,  # noqa: A002 - argparse's word
            default_factory: Callable[[], Any] | None = None, **spec: Any) -> Any:
    """A dataclass field that the loader reads (see `Spec` for the keywords)."""
    meta = {META: Spec(help=help, **spec)}
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def specs(cls: type) -> dict[str, tuple[dataclasses.Field, Spec]]:
    """The loader-visible fields of a settings class, by name."""
    return {f.name: (f, f.metadata[META]) for f in dataclasses.fields(cls) if META in f.metadata}


def env_names(app: str, name: str, spec: Spec) -> tuple[str, ...]:
    """Environment variables of a field, the preferred one first."""
    return (f"TONGBAN_{app.upper()}_{name.upper()}", *spec.env)


def flag_of(name: str, spec: Spec) -> str:
    """The command-line flag of a field."""
    return spec.flag or "--" + name.replace("_", "-")


# ---------------------------------------------------------------------------- conversion

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _base_type(hint: Any) -> tuple[Any, bool]:
    """(type, optional) of a hint like `int | None`."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return (args[0] if len(args) == 1 else str), True
    return hint, False


def convert(name: str, hint: Any, spec: Spec, raw: Any, source: str,
            environ: Mapping[str, str]) -> Any:
    """Turn a raw value (file scalar, env string, flag text) into the field's type."""
    try:
        if spec.parse is not None:
            return spec.parse(raw, environ)
        kind, optional = _base_type(hint)
        if optional and (raw is None or (isinstance(raw, str) and raw.strip().lower()
                                         in ("", "none", "null"))):
            return None
        value: Any
        if kind is bool:
            if isinstance(raw, bool):
                value = raw
            elif str(raw).strip().lower() in _TRUE:
                value = True
            elif str(raw).strip().lower() in _FALSE:
                value = False
            else:
                raise ValueError("expected true or false")
        elif kind is int:
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise ValueError("expected a whole number")
            value = int(str(raw).strip()) if isinstance(raw, str) else int(raw)
        elif kind is float:
            if isinstance(raw, bool):
                raise ValueError("expected a number")
            value = float(raw)
        elif kind is Path:
            value = Path(str(raw)).expanduser()
        elif typing.get_origin(kind) is dict or kind is dict:
            if isinstance(raw, str):
                raw = json.loads(raw)
            if not isinstance(raw, Mapping):
                raise ValueError("expected a mapping")
            value = dict(raw)
        elif kind is str:
            if isinstance(raw, Mapping | list):
                raise ValueError("expected text")
            value = str(raw)
        else:
            value = raw
    except SettingsError:
        raise
    except (ValueError, TypeError) as exc:
        raise SettingsError(f"{name}: bad value {raw!r} from {source} ({exc})") from exc
    if spec.choices is not None and value is not None and value not in spec.choices:
        raise SettingsError(f"{name}: {value!r} from {source} is not one of "
                            f"{', '.join(spec.choices)}")
    return value


# ---------------------------------------------------------------------------- layers

def read_file(path: Path, app: str) -> dict[str, Any]:
    """A YAML or JSON config file as a mapping (an `<app>:` section is used when present)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc}") from exc
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text) if text.strip() else {}
        except ValueError as exc:
            raise SettingsError(f"config file {path} is not valid JSON: {exc}") from exc
    else:
        import yaml

        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise SettingsError(f"config file {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"config file {path} must be a mapping of settings")
    section = data.get(app)
    others = {k for k in APPS if isinstance(data.get(k), dict)}
    data = {k: v for k, v in data.items() if k not in others}  # another app's section
    if isinstance(section, dict):  # kiosk.yaml style: `kiosk:` plus top-level `printer:`
        data = {**data, **section}
    return data


def config_path(app: str, explicit: str | Path | None, environ: Mapping[str, str],
                default: Path | None) -> tuple[Path | None, bool]:
    """(path, must_exist): --config, else TONGBAN_<APP>_CONFIG, else the app's default."""
    if explicit:
        return Path(explicit).expanduser(), True
    env = environ.get(f"TONGBAN_{app.upper()}_CONFIG")
    if env:
        return Path(env).expanduser(), True
    return default, False


def load_settings(cls: type[T], app: str, *, path: str | Path | None = None,
                  environ: Mapping[str, str] | None = None,
                  overrides: Mapping[str, Any] | None = None,
                  default_path: Path | None = None, extra: Mapping[str, Any] | None = None,
                  path_must_exist: bool = True) -> T:
    """Build `cls` from defaults < file < environment < overrides (None values are skipped).

    `extra` passes constructor arguments that are not settings (e.g. the file path)."""
    env = os.environ if environ is None else environ
    fields = specs(cls)
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    file, must_exist = config_path(app, path, env, default_path)
    must_exist = must_exist and path_must_exist
    if file is not None and (must_exist or file.exists()):
        raw = read_file(file, app)
        unknown = sorted(set(raw) - set(fields))
        if unknown:
            raise SettingsError(f"config file {file}: unknown settings {', '.join(unknown)} "
                                f"(known: {', '.join(fields)})")
        for name, value in raw.items():
            values[name] = convert(name, hints[name], fields[name][1], value,
                                   f"config file {file}", env)
    for name, (_f, spec) in fields.items():
        for var in env_names(app, name, spec):
            raw_env = env.get(var)
            if raw_env not in (None, ""):
                values[name] = convert(name, hints[name], spec, raw_env, f"${var}", env)
                break
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name not in fields:
            raise SettingsError(f"unknown setting {name}")
        spec = fields[name][1]
        values[name] = convert(name, hints[name], spec, value, flag_of(name, spec), env)
    for name, (_f, spec) in fields.items():
        if name not in values and spec.parse is not None and spec.parse_missing:
            values[name] = convert(name, hints[name], spec, None, "defaults", env)
    try:
        return cls(**values, **(extra or {}))
    except SettingsError:
        raise
    except (ValueError, TypeError) as exc:
        raise SettingsError(str(exc)) from exc


# ---------------------------------------------------------------------------- command line

def _default_text(f: dataclasses.Field) -> str:
    if f.default is not dataclasses.MISSING and f.default not in (None, ""):
        return f"; default {f.default}"
    return ""


def build_parser(cls: type, app: str, *, prog: str, description: str,
                 config_help: str = "config file, YAML or JSON") -> argparse.ArgumentParser:
    """The app's flags: one per setting, plus --config and --print-config."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--config", metavar="PATH",
                   help=f"{config_help} (TONGBAN_{app.upper()}_CONFIG)")
    p.add_argument("--print-config", action="store_true",
                   help="print the effective settings (token masked) and exit")
    for name, (f, spec) in specs(cls).items():
        if not spec.cli:
            continue
        envs = " / ".join(env_names(app, name, spec))
        text = f"{spec.help} (env {envs}{_default_text(f)})"
        hint, _ = _base_type(typing.get_type_hints(cls)[name])
        if hint is bool:
            p.add_argument(flag_of(name, spec), dest=name, default=None,
                           action=argparse.BooleanOptionalAction, help=text)
        else:
            p.add_argument(flag_of(name, spec), dest=name, default=None, choices=spec.choices,
                           metavar=spec.metavar, help=text)
        if spec.negative_flag:
            neg, neg_help = spec.negative_flag
            p.add_argument(neg, dest=name, action="store_const", const=False, help=neg_help)
    return p


def mask_secret(value: str) -> str:
    """The first 4 characters and a fixed-length mask (the size is not revealed)."""
    if not value:
        return "—"
    return str(value)[:4] + "********"


def describe(settings: Any, app: str) -> str:
    """The effective settings, one `name: value` line each, secrets masked."""
    lines = [f"# {app} settings"]
    for name, (_f, spec) in specs(type(settings)).items():
        value = getattr(settings, name)
        if spec.secret:
            shown = mask_secret(value or "")
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            shown = json.dumps(_plain(dataclasses.asdict(value)), ensure_ascii=False)
        elif isinstance(value, dict):
            shown = json.dumps(_plain(value), ensure_ascii=False)
        else:
            shown = "" if value is None else str(value)
        lines.append(f"{name}: {shown}")
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    return str(value)


def cli(cls: type[T], app: str, argv: Sequence[str] | None, *, prog: str, description: str,
        parser: argparse.ArgumentParser | None = None, environ: Mapping[str, str] | None = None,
        default_path: Path | None = None, extra: Mapping[str, Any] | None = None,
        check: Callable[[T], None] | None = None,
        path_must_exist: bool = True) -> tuple[T, argparse.Namespace]:
    """Parse flags and load the settings; exits 2 on a bad value, 0 after --print-config.

    `check` raises SettingsError for rules across settings (after --print-config too)."""
    p = parser or build_parser(cls, app, prog=prog, description=description)
    args = p.parse_args(list(argv) if argv is not None else None)
    names = specs(cls)
    overrides = {k: v for k, v in vars(args).items() if k in names}
    try:
        settings = load_settings(cls, app, path=args.config, environ=environ,
                                 overrides=overrides, default_path=default_path, extra=extra,
                                 path_must_exist=path_must_exist)
        if check is not None:
            check(settings)
    except SettingsError as exc:
        p.exit(2, f"{prog}: error: {exc}\n")
    if args.print_config:
        sys.stdout.write(describe(settings, app))
        p.exit(0)
    for name, (_f, spec) in names.items():
        if spec.required and not getattr(settings, name):
            p.exit(2, f"{prog}: error: {flag_of(name, spec)} is required "
                      f"(or {env_names(app, name, spec)[0]})\n")
    return settings, args
