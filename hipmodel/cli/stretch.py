"""The ``answer`` and ``stretch`` commands: readers' questions and stretch positions.

::

    python -m hipmodel answer "why does the figure-4 stretch work"
    python -m hipmodel answer "why does the figure-4 stretch work" --out answers/   # Markdown + PNG
    python -m hipmodel answer --id switch_angle --model rajagopal2016
    python -m hipmodel answer --list
    python -m hipmodel stretch --pose figure4
    python -m hipmodel stretch --list
    python -m hipmodel stretch --flexion 100 --rotation -45 --adduction 20
    python -m hipmodel stretch --steps                 # the figure-4 explainer, step by step
    python -m hipmodel stretch --longest --flexion-range 0 120 --adduction-range -30 30 --rotation-range -45 45

Errors are one line on stderr with exit code 2 (see :mod:`hipmodel.cli`); an unknown
pose lists the closest names.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from .. import questions as Q
from .. import stretch as S
from .args import UsageError, angle_arg, add_model_args, check_work, model_from_args, out_path, write_files
from ..words import action_in_words, pose_text, rotation_words

WIDTH = 100
# poses that stretch --longest evaluates at most: a 21^3 grid, then up to 30 rounds of
# 4 candidates x 125 neighbours (see hipmodel.stretch.longest_length)
LONGEST_POSES = 21 ** 3 + 30 * 4 * 125


def register(subparsers) -> None:
    """Add the ``answer`` and ``stretch`` sub-commands to the ``hipmodel`` parser."""
    a = subparsers.add_parser(
        "answer", help="answer a reader's question about the piriformis, with numbers from the model",
        description="Find the closest question to your own words and answer it with numbers computed from the "
                    "model. Questions about treatment or symptoms are recognised and answered honestly as out of "
                    "scope.")
    a.add_argument("question", nargs="*", help="the question in your own words")
    a.add_argument("--id", dest="question_id", metavar="ID", help="answer this question id (see --list)")
    a.add_argument("--list", action="store_true", help="list the questions the model can answer")
    a.add_argument("--out", metavar="DIR", help="write the answer as DIR/<id>.md with its figure DIR/<id>.png")
    add_model_args(a, pose=False)
    a.set_defaults(func=cmd_answer)

    s = subparsers.add_parser(
        "stretch", help="piriformis length and lever arm at a stretch position, against standing",
        description="Length change (mm and %) and rotation moment arm at a named pose or at given angles.")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--pose", metavar="NAME", help="a named pose (id or name; see --list)")
    g.add_argument("--list", action="store_true", help="every named pose with its length change")
    g.add_argument("--steps", action="store_true", help="the figure-4 stretch step by step")
    g.add_argument("--longest", action="store_true", help="the longest piriformis within the joint-range box")
    s.add_argument("--flexion", type=angle_arg("flexion"), default=None, help="hip flexion, deg")
    s.add_argument("--adduction", type=angle_arg("adduction"), default=None, help="hip adduction, deg (+ adduction)")
    s.add_argument("--rotation", type=angle_arg("rotation"), default=None, help="hip rotation, deg (+ internal)")
    s.add_argument("--muscle", default="piriformis", help="muscle id or name (default piriformis)")
    for name, lo, hi in (("flexion", 0.0, 120.0), ("adduction", -30.0, 30.0), ("rotation", -45.0, 45.0)):
        s.add_argument(f"--{name}-range", nargs=2, type=angle_arg(f"{name} range"), metavar=("LOW", "HIGH"),
                       default=(lo, hi), help=f"--longest: {name} range, deg (default {lo:g} {hi:g})")
    add_model_args(s, pose=False)
    s.set_defaults(func=cmd_stretch)


# ---------------------------------------------------------------------------------
# answer
# ---------------------------------------------------------------------------------


def _para(text: str, out) -> None:
    for block in text.split("\n"):
        if block.startswith(("- ", "1.", "2.", "3.", "4.")):
            print(textwrap.fill(block, WIDTH, subsequent_indent="  "), file=out)
        elif block.strip():
            print(textwrap.fill(block, WIDTH), file=out)
        else:
            print(file=out)


def cmd_answer(args, out) -> int:
    if args.list:
        for q in Q.QUESTIONS:
            flag = "  [out of scope]" if q.out_of_scope else ""
            print(f"{q.id:32s} {q.title}{flag}", file=out)
        return 0
    words = " ".join(args.question).strip()
    if not words and not args.question_id:
        raise UsageError("hipmodel answer: error: ask a question, e.g. hipmodel answer \"why does the figure-4 "
                         "stretch work\" (or --id ID, --list)")
    if words and args.question_id:
        raise UsageError("hipmodel answer: error: give a question or --id, not both")
    out_dir = _out_dir(args.out) if args.out is not None else None
    model = model_from_args(args)
    if args.question_id:
        ans = Q.answer(args.question_id, model)  # KeyError with the valid ids: exit 2
    else:
        ans = Q.ask(words, model)

    print(f"Q: {ans.question}", file=out)
    if ans.asked is not None and not ans.out_of_scope and ans.question_id != Q.NO_MATCH_ID:
        # a confidence only for a real match: a refusal is not "100% sure" of anything
        print(f"   (closest to \u201c{ans.asked}\u201d; match confidence {ans.confidence:.0%})", file=out)
    if ans.out_of_scope:
        print("   [outside what an anatomy model can answer: not medical advice]", file=out)
    print(file=out)
    _para(ans.text, out)
    if ans.numbers:
        print(f"\nNumbers ({ans.model_name}):", file=out)
        for k, v in ans.numbers.items():
            print(f"  {Q.number_label(k)}: {Q.format_value(v, ans.units.get(k, ''))}", file=out)
    if ans.figure.kind != "none":
        print(f"\nFigure: {ans.figure.kind}" + ("" if out_dir else " (write it with --out DIR)"), file=out)
    print("\nSources:", file=out)
    for src in dict.fromkeys(ans.sources):
        print(textwrap.fill(src, WIDTH, initial_indent="  - ", subsequent_indent="    "), file=out)
    if out_dir:
        md, png = _export(ans, out_dir, model)
        print(f"\nwrote {md}" + (f" and {png}" if png else ""), file=out)
    return 0


_ANSWER_OUT = "hipmodel answer: error: --out"


def _out_dir(path: str) -> Path:
    if not str(path).strip():
        raise UsageError(f"{_ANSWER_OUT}: the directory name must not be empty")
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UsageError(f"{_ANSWER_OUT}: {path!r} is a file, not a directory")
    parent = p.parent if str(p.parent) else Path(".")
    if not p.exists() and not parent.is_dir():
        raise UsageError(f"{_ANSWER_OUT}: directory {str(parent)!r} does not exist")
    if p.is_dir():
        out_path(p / "answer.md", _ANSWER_OUT)  # writable, before the answer is computed
    return p


def _export(ans, out_dir: Path, model):
    """``<id>.md`` and its figure ``<id>.png`` in ``out_dir`` (made if missing), both or neither."""
    from ..plots import answer_figure, answer_figure_caption, figure_bytes  # matplotlib only here

    fig = answer_figure(ans, model)
    png = out_dir / f"{ans.question_id}.png" if fig is not None else None
    md = out_dir / f"{ans.question_id}.md"
    text = Q.answer_markdown(ans, png.name if png else None, answer_figure_caption(ans) if png else None)
    made = not out_dir.exists()
    try:
        out_dir.mkdir(exist_ok=True)
    except OSError as e:
        raise UsageError(f"{_ANSWER_OUT}: cannot make directory {str(out_dir)!r} ({e.strerror or e})") from None
    files = {md: text} | ({png: figure_bytes(fig, "png", 150)} if png else {})
    try:
        write_files(files, _ANSWER_OUT)
    except UsageError:
        if made:
            out_dir.rmdir()  # leave nothing behind, not even the empty directory
        raise
    return md, png


# ---------------------------------------------------------------------------------
# stretch
# ---------------------------------------------------------------------------------


def _pose_report(model, mu, name: str, angles, out, pose: S.NamedPose | None = None) -> None:
    lc = S.length_change(model, mu, *angles)
    r = float(lc.rotation_moment_arm_mm)
    a = float(lc.adduction_moment_arm_mm)
    print(f"{name}: {pose_text(*angles)}", file=out)
    if pose is not None:
        print(textwrap.fill(f"angles: {pose.flag} - {pose.angles_from}", WIDTH, initial_indent="  ",
                            subsequent_indent="    "), file=out)
    print(f"  {mu.name.lower()} ({model.id}): {float(lc.length_mm):.1f} mm, {float(lc.change_mm):+.1f} mm "
          f"({float(lc.change_pct):+.1f}%) against standing ({lc.standing_mm:.1f} mm)", file=out)
    turn = rotation_words(S.lengthening_rotation(model, mu, *angles))
    print(f"  rotation moment arm: {action_in_words(r)}; here {turn} lengthens it" if turn != "neither" else
          f"  rotation moment arm: {action_in_words(r)}", file=out)
    print(f"  adduction moment arm: {action_in_words(a, 'adduction')}", file=out)
    if pose is not None:
        print(textwrap.fill(f"how: {pose.how_to}", WIDTH, initial_indent="  ", subsequent_indent="    "), file=out)


def cmd_stretch(args, out) -> int:
    model = model_from_args(args)
    mu = model.muscle(args.muscle)
    given = [v is not None for v in (args.flexion, args.adduction, args.rotation)]
    if any(given) and (args.pose or args.list or args.longest):
        raise UsageError("hipmodel stretch: error: give --pose, --list or --longest, or angles, not both")
    if args.list:
        rows = S.pose_table(model, mu)
        print(f"# {mu.name.lower()} length change against standing, model {model.id}; "
              "flag: where the angles come from", file=out)
        for r in sorted(rows, key=lambda r: -r.change_mm):
            p = r.pose
            print(f"{p.id:26s} {r.change_mm:+6.1f} mm {r.change_pct:+6.1f}%  {pose_text(*p.angles):50s} "
                  f"[{p.flag}]", file=out)
        return 0
    if args.longest:
        check_work(LONGEST_POSES, [mu], "stretch --longest")
        best = S.longest_length(model, mu, args.flexion_range, args.adduction_range, args.rotation_range)
        box = ", ".join(f"{n} {lo:g}..{hi:g}" for n, (lo, hi) in zip(("flexion", "adduction", "rotation"), best.box))
        print(f"longest {mu.name.lower()} ({model.id}) within {box} deg:", file=out)
        print(f"  {pose_text(*(round(x, 1) for x in best.angles))}: {best.length_mm:.1f} mm, "
              f"{best.change_mm:+.1f} mm ({best.change_pct:+.1f}%) against standing", file=out)
        if best.at_limits:
            print(f"  on the box limits: {', '.join(best.at_limits)} (a wider range would lengthen it more)",
                  file=out)
        return 0
    if args.steps:
        F, A, R = S.FIGURE4_FINAL_POSE
        for st in S.figure4_steps(model, mu, F, A, R):
            print(textwrap.fill(f"{st.number}. {st.title}: {st.sentence}", WIDTH, subsequent_indent="   "), file=out)
        return 0
    if args.pose:
        pose = S.find_pose(args.pose)  # KeyError with the closest names: exit 2
        _pose_report(model, mu, f"{pose.name} ({pose.id})", pose.angles, out, pose)
        return 0
    if any(given):
        angles = tuple(0.0 if v is None else v for v in (args.flexion, args.adduction, args.rotation))
        _pose_report(model, mu, "pose", angles, out)
        return 0
    raise UsageError("hipmodel stretch: error: give --pose NAME, --list, --steps, --longest or angles "
                     "(--flexion/--adduction/--rotation)")
