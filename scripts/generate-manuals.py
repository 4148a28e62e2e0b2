#!/usr/bin/env python3
"""Writes crawler's man pages from the commands' own help.

swift-argument-parser describes every command, option and flag as JSON with
`--experimental-dump-help` (what its generate-manual plugin reads); this turns that into one
page per command: crawler.1, crawler-once.1, crawler-store-verify.1, ...

usage: generate-manuals.py CRAWLER OUTPUT_DIR [--date YYYY-MM-DD]
"""
import json
import os
import subprocess
import sys


def roff(text):
    """Text safe in a roff line: backslashes and hyphens escaped, no line starting a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def paragraphs(text):
    """Help text as roff paragraphs: a blank line starts a new one."""
    out = []
    for block in text.strip().split("\n\n"):
        if block.strip():
            out += [".PP", roff(block.strip())]
    return out


def option_names(argument):
    names = []
    # -c before --config, as --help lists them.
    for name in sorted(argument.get("names") or [], key=lambda name: name["kind"] != "short"):
        prefix = {"long": "--", "short": "-", "longWithSingleDash": "-"}[name["kind"]]
        names.append(prefix + name["name"])
    return names


def value_of(argument):
    return "<" + (argument.get("valueName") or "value") + ">"


def synopsis_part(argument):
    names = option_names(argument)
    if argument["kind"] == "positional":
        part = value_of(argument) + (" ..." if argument.get("isRepeating") else "")
    elif argument["kind"] == "option":
        part = names[0] + " " + value_of(argument) if names else value_of(argument)
        part += " ..." if argument.get("isRepeating") else ""
    else:
        part = names[0] if names else ""
    return "[" + part + "]" if argument.get("isOptional") else part


def visible(items):
    # `help` is swift-argument-parser's own command: `crawler help X` is `crawler X --help`.
    return [item for item in items or [] if item.get("shouldDisplay", True) and item.get("commandName") != "help"]


def page(command, path, date, version):
    name = "-".join(path)
    arguments = visible(command.get("arguments"))
    subcommands = visible(command.get("subcommands"))
    lines = [
        '.TH "%s" 1 "%s" "%s" "User Commands"' % (name.upper(), date, roff(version)),
        ".SH NAME",
        roff(name) + " \\- " + roff(command.get("abstract") or name),
        ".SH SYNOPSIS",
        ".B " + roff(" ".join(path)),
    ]
    parts = [synopsis_part(argument) for argument in arguments if synopsis_part(argument)]
    if subcommands:
        parts.append("<command>")
    if parts:
        lines.append(roff(" ".join(parts)))
    description = (command.get("abstract") or "") + "\n\n" + (command.get("discussion") or "")
    if description.strip():
        lines += [".SH DESCRIPTION"] + paragraphs(description)
    if arguments:
        lines.append(".SH OPTIONS")
        for argument in arguments:
            names = option_names(argument)
            label = ", ".join(names) if names else value_of(argument)
            if argument["kind"] == "option":
                label += " " + value_of(argument)
            help_text = argument.get("abstract") or ""
            if argument.get("defaultValue") not in (None, "", "false"):
                help_text += " (default: %s)" % argument["defaultValue"]
            if argument.get("discussion"):
                help_text += "\n" + argument["discussion"]
            lines += [".TP", "\\fB" + roff(label) + "\\fR", roff(help_text.strip())]
    if subcommands:
        lines.append(".SH COMMANDS")
        for sub in subcommands:
            lines += [".TP", "\\fB" + roff(sub["commandName"]) + "\\fR",
                      roff(sub.get("abstract") or "") + "\nSee \\fB" + roff(name + "-" + sub["commandName"]) + "\\fR(1)."]
    related = ["-".join(path[:-1])] if len(path) > 1 else []
    related += [name + "-" + sub["commandName"] for sub in subcommands]
    if related:
        lines += [".SH SEE ALSO", ", ".join("\\fB%s\\fR(1)" % roff(other) for other in related)]
    return "\n".join(lines) + "\n"


def walk(command, path, date, version, output):
    with open(os.path.join(output, "-".join(path) + ".1"), "w", encoding="utf-8") as file:
        file.write(page(command, path, date, version))
    for sub in visible(command.get("subcommands")):
        walk(sub, path + [sub["commandName"]], date, version, output)


def main():
    args = sys.argv[1:]
    date = None
    if "--date" in args:
        index = args.index("--date")
        date = args[index + 1]
        del args[index:index + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    crawler, output = args
    dump = subprocess.run([crawler, "--experimental-dump-help"], capture_output=True, text=True, check=True)
    version = subprocess.run([crawler, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    tool = json.loads(dump.stdout)
    os.makedirs(output, exist_ok=True)
    if date is None:
        date = subprocess.run(["date", "-u", "+%Y-%m-%d"], capture_output=True, text=True).stdout.strip()
    walk(tool["command"], [tool["command"]["commandName"]], date, version, output)


if __name__ == "__main__":
    main()
