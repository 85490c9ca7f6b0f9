#!/usr/bin/env python3
"""Reads a build log stamped by bench/stamp_lines.py and prints, for the step whose name contains PATTERN,
"RUN_S COMMIT_S AFTER_S": from the step's first line to its last output line, from that line to the step's
end (its DONE for mybuild and BuildKit, Buildah's "-->" after COMMIT), and from the step's end to the end
of the build (layers, export). Prints "- - -" when the step is not in the log.
    usage: step_commit.py TOOL PATTERN <stamped.log     TOOL: mybuild | buildkit | buildah"""
import re
import sys


def parse(tool, pattern, lines):
    stamped = []
    for raw in lines:
        stamp, _, text = raw.rstrip("\n").partition(" ")
        stamped.append((float(stamp), text))
    end = stamped[-1][0] if stamped else None
    first = last = done = None
    if tool in ("mybuild", "buildkit"):
        # plain progress: "#N name", "#N [stamp] output", "#N DONE 1.2s"
        number = None
        for t, text in stamped:
            m = re.match(r"#(\d+) (.*)", text)
            if not m:
                continue
            if number is None and pattern in m.group(2):
                number, first = m.group(1), t
                continue
            if m.group(1) != number or done is not None:
                continue
            body = m.group(2)
            if body.startswith("DONE") or body.startswith("CACHED") or body.startswith("ERROR"):
                done = t
            elif not body.startswith("sha256:"):
                last = t
    else:
        # buildah bud: "STEP i/n: RUN …", output, "COMMIT name" (last step), "--> id"
        for t, text in stamped:
            if first is None:
                if text.startswith("STEP ") and pattern in text:
                    first = t
                continue
            if text.startswith("-->"):
                done = t
                break
            if not text.startswith("COMMIT"):
                last = t
    if first is None or done is None:
        return "- - -"
    last = last if last is not None else first
    return "%.2f %.2f %.2f" % (last - first, done - last, end - done)


if __name__ == "__main__":
    print(parse(sys.argv[1], sys.argv[2], sys.stdin.readlines()))
