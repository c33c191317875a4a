"""Sciatic nerve variants: the data file and its loader, the share-through arithmetic,
the schematic geometry (checked geometrically, for many muscle placements), the figures
and the ``nerve`` command."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hipmodel import nerve
from hipmodel.nerve import NerveDataError, load_nerve_variants, nerve_paths_2d, nerve_variants_from_json
from conftest import run_cli, run_main

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data" / "sciatic_variants.json"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def variants():
    return load_nerve_variants()


@pytest.fixture
def raw():
    """The bundled data as a fresh dict, to break on purpose."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def study(d, sid):
    return next(s for s in d["studies"] if s["id"] == sid)


def write(tmp_path, d, name="broken_variants.json"):
    p = tmp_path / name
    p.write_text(json.dumps(d, indent=1), encoding="utf-8")
    return p


def load_error(tmp_path, d) -> str:
    p = write(tmp_path, d)
    with pytest.raises(NerveDataError) as e:
        load_nerve_variants(p)
    msg = str(e.value)
    assert msg.startswith("broken_variants.json: "), msg  # names the file
    assert "\n" not in msg
    assert str(p.resolve()) not in nerve.data._CACHE  # nothing half-loaded is kept
    return msg


# --- the bundled data ---------------------------------------------------------------------


def test_bundled_data_has_the_six_beaton_anson_types(variants):
    assert variants.letters == ("A", "B", "C", "D", "E", "F")
    rel = {t.letter: (t.divided, t.tibial, t.common_fibular) for t in variants.types}
    assert rel == {
        "A": (False, "below", "below"),
        "B": (True, "below", "through"),
        "C": (True, "below", "above"),
        "D": (False, "through", "through"),
        "E": (True, "through", "above"),
        "F": (False, "above", "above"),
    }
    assert variants.type("b").relations == {"tibial": "below", "common fibular": "through"}
    assert variants.type("D").relations == {"sciatic": "through"}
    assert [t.letter for t in variants.types if t.has_division_through] == ["B", "D", "E"]


def test_every_study_number_sits_beside_a_verified_or_secondary_source(variants):
    for s in variants.studies:
        assert s.source in variants.sources
        assert s.flag in ("VERIFIED", "SECONDARY")
        assert re.search(r"\(\d{4}\)", s.citation), s.citation  # authors (year) title ...
    for key, src in variants.sources.items():
        assert src["flag"] in ("VERIFIED", "SECONDARY"), key


def test_bundled_numbers_are_those_of_the_literature_notes(variants):
    natsis = variants.study("natsis2014")
    assert natsis.sample_size == 294 and natsis.complete_breakdown
    assert {v.key: v.count for v in natsis.types} == {"A": 275, "B": 12, "C": 1, "D": 1, "E": 0, "F": 1}
    assert [(o.label, o.count) for o in natsis.other] == [("unclassified variations", 4)]
    meta = variants.study("meta2016_jor")
    assert meta.type_value("A").percent == 85.2 and meta.type_value("A").ci95 == (78.4, 87.0)
    assert meta.type_value("B").percent == 9.8 and meta.type_value("B").ci95 == (6.5, 13.2)
    smoll = variants.study("smoll2010")
    assert [(f.percent, f.ci95) for f in smoll.findings] == [(16.9, (16.0, 17.9))]
    # the surgical series is its own sample, not the 6062 cadavers
    assert [(f.percent, f.ci95) for f in variants.study("smoll2010_surgical").findings] == [(16.2, (10.7, 23.5))]
    reynoso = variants.study("reynoso2022")
    assert {v.key: v.count for v in reynoso.types} == {"A": 37, "B": 2, "E": 1}
    bartret = variants.study("bartret2018")
    assert (bartret.sample_size, bartret.findings[0].count, bartret.findings[0].percent) == (783, 150, 19.2)


def test_beaton_and_ansons_own_counts_are_not_in_the_data(raw):
    assert not any(s["source"].startswith("beaton_anson") for s in raw["studies"])
    assert "not included" in raw["left_out"]


# --- broken copies ------------------------------------------------------------------------


def test_counts_that_do_not_add_up_to_the_sample_size_are_refused(tmp_path, raw):
    study(raw, "natsis2014")["types"]["A"] = {"count": 274, "percent": 93.2}
    msg = load_error(tmp_path, raw)
    assert "studies[0] (natsis2014).types" in msg and "293" in msg and "294" in msg


def test_counts_above_the_sample_size_are_refused(tmp_path, raw):
    study(raw, "reynoso2022")["types"]["B"] = {"count": 41, "percent": 100}
    msg = load_error(tmp_path, raw)
    assert "reynoso2022" in msg and "types.B.count" in msg


def test_a_percentage_that_does_not_match_its_count_is_refused(tmp_path, raw):
    study(raw, "natsis2014")["types"]["B"]["percent"] = 5.1  # 12/294 = 4.08%
    msg = load_error(tmp_path, raw)
    assert "types.B.percent" in msg and "12/294" in msg


def test_published_rounding_is_accepted_but_not_more(tmp_path, raw):
    # Natsis print 275/294 = 93.54% as 93.6%: within rounding plus the stated slack
    assert study(raw, "natsis2014")["types"]["A"]["percent"] == 93.6
    load_nerve_variants(write(tmp_path, raw, "ok.json"))
    study(raw, "natsis2014")["types"]["A"]["percent"] = 93.7
    assert "types.A.percent" in load_error(tmp_path, raw)


def test_an_unknown_type_letter_is_refused(tmp_path, raw):
    study(raw, "reynoso2022")["types"]["G"] = {"count": 0, "percent": 0}
    msg = load_error(tmp_path, raw)
    assert "types.G" in msg and "unknown type letter" in msg


def test_a_missing_field_is_named(tmp_path, raw):
    del study(raw, "bartret2018")["sample_unit"]
    assert "studies[5] (bartret2018).sample_unit': missing" in load_error(tmp_path, raw)
    raw2 = json.loads(DATA.read_text(encoding="utf-8"))
    del raw2["types"][3]["tibial"]
    assert "types[3] (D).tibial': missing" in load_error(tmp_path, raw2)


def test_a_missing_type_is_refused(tmp_path, raw):
    raw["types"] = [t for t in raw["types"] if t["letter"] != "F"]
    assert "F missing" in load_error(tmp_path, raw)


@pytest.mark.parametrize("letter, tibial, fibular, divided, words", [
    ("A", "through", "through", False, "runs below"),           # a slip that swaps A and D
    ("C", "below", "below", True, "must differ"),
    ("D", "through", "above", False, "must agree"),
    ("E", "through", "sideways", True, "not one of"),
])
def test_type_relations_must_fit_the_classification(tmp_path, raw, letter, tibial, fibular, divided, words):
    t = next(t for t in raw["types"] if t["letter"] == letter)
    t.update(tibial=tibial, common_fibular=fibular, divided=divided)
    assert words in load_error(tmp_path, raw)


def test_an_interval_must_contain_its_estimate(tmp_path, raw):
    study(raw, "meta2016_jor")["types"]["B"]["ci95"] = [10.0, 13.2]
    assert "types.B.ci95" in load_error(tmp_path, raw)


def test_unverified_sources_are_refused(tmp_path, raw):
    raw["sources"]["smoll2010"]["flag"] = "UNVERIFIED"
    assert "sources.smoll2010.flag" in load_error(tmp_path, raw)


def test_a_source_key_must_exist(tmp_path, raw):
    study(raw, "smoll2010")["source"] = "smol2010"
    assert "studies[3] (smoll2010).source" in load_error(tmp_path, raw)


def test_any_variant_count_must_match_a_complete_breakdown(tmp_path, raw):
    study(raw, "natsis2014")["findings"][0].update(count=18, percent=6.1)
    assert "findings[0].count" in load_error(tmp_path, raw)


def test_not_json_and_missing_files_give_one_line(tmp_path):
    p = tmp_path / "broken_variants.json"
    p.write_text('{"schema_version": 1,', encoding="utf-8")
    with pytest.raises(NerveDataError, match=r"^broken_variants.json: not valid JSON \(line 1"):
        load_nerve_variants(p)
    with pytest.raises(NerveDataError, match=r"^nowhere.json: cannot read file"):
        load_nerve_variants(tmp_path / "nowhere.json")


def test_a_failed_load_leaves_the_good_data_usable(tmp_path, raw):
    raw["types"][0]["letter"] = "Z"
    load_error(tmp_path, raw)
    assert load_nerve_variants().letters == ("A", "B", "C", "D", "E", "F")


# --- share through the muscle ---------------------------------------------------------------


def test_share_through_matches_hand_arithmetic(variants):
    share = nerve.share_through(variants)
    assert share.through_letters == ("B", "D", "E")
    by = {e.study_id: e for e in share.through}
    # Natsis 2014: B 12 + D 1 + E 0 limbs of 294
    assert by["natsis2014"].count == 13 and by["natsis2014"].n == 294
    assert by["natsis2014"].percent == pytest.approx(100 * 13 / 294)  # 4.42%
    assert by["natsis2014"].kind == "counted"
    # Reynoso 2022: B 2 + E 1 of 40 (C, D, F zero: the breakdown is complete)
    assert by["reynoso2022"].count == 3 and by["reynoso2022"].percent == pytest.approx(7.5)
    # the 2016 meta-analysis reports only type B: a lower bound
    assert by["meta2016_jor"].kind == "partial" and by["meta2016_jor"].letters == ("B",)
    assert by["meta2016_jor"].percent == 9.8 and by["meta2016_jor"].ci95 == (6.5, 13.2)
    anyv = {e.study_id: e.percent for e in share.any_variant}
    assert anyv == {"natsis2014": 6.4, "meta2016_jor": 15.0, "smoll2010": 16.9, "bartret2018": 19.2}
    assert share.through_range == pytest.approx((100 * 13 / 294, 9.8))
    assert share.any_variant_range == (6.4, 19.2)


def test_share_text_sets_the_data_beside_the_quoted_figure(variants):
    share = nerve.share_through(variants)
    s = share.summary
    assert "about 4-10% of limbs" in s
    assert "15-20%" in s and "6.4-19.2%" in s and "type B" in s
    assert "19.9%" in s and "Reynoso" in s  # the widest upper confidence limit (Wilson, 3/40) is not hidden
    t = share.text
    assert "13 of 294 limbs = 4.4%" in t and "3 of 40 limbs = 7.5%" in t
    assert "9.8% (95% CI 6.5-13.2)" in t and "16.9% (95% CI 16.0-17.9)" in t


def test_share_is_computed_from_the_data_not_written_in(raw):
    n = study(raw, "natsis2014")
    n["types"]["A"] = {"count": 262, "percent": 89.1}
    n["types"]["D"] = {"count": 14, "percent": 4.8}
    n["findings"][0].update(count=32, percent=10.9)
    v = nerve_variants_from_json(json.dumps(raw), "edited.json")
    by = {e.study_id: e for e in nerve.share_through(v).through}
    assert by["natsis2014"].count == 12 + 14 + 0
    assert by["natsis2014"].percent == pytest.approx(100 * 26 / 294)


def test_type_prevalence_lines(variants):
    assert nerve.type_prevalence_lines("B", variants) == [
        "Natsis 2014: 12/294 (4.1%)", "Meta-analysis 2016: 9.8% (95% CI 6.5-13.2)", "Reynoso 2022: 2/40 (5%)"]
    # a complete breakdown without the type counts it as zero
    assert "Reynoso 2022: 0/40 (0%)" in nerve.type_prevalence_lines("D", variants)


# --- schematic geometry -------------------------------------------------------------------


def inside(poly: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Ray casting: which of ``pts`` (k, 2) lie inside the closed polygon ``poly`` (m, 2)."""
    pts = np.atleast_2d(pts)
    x, y = pts[:, 0:1], pts[:, 1:2]
    a, b = poly[:-1], poly[1:]
    crosses = (a[:, 1] > y) != (b[:, 1] > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        xi = a[:, 0] + (y - a[:, 1]) * (b[:, 0] - a[:, 0]) / (b[:, 1] - a[:, 1])
    return np.count_nonzero(crosses & (x < xi), axis=1) % 2 == 1


def densify(xy: np.ndarray, per_segment: int = 400) -> np.ndarray:
    s = np.linspace(0.0, 1.0, per_segment)[:, None]
    return np.vstack([a + s * (b - a) for a, b in zip(xy[:-1], xy[1:])])


def in_muscle(sch, pts) -> np.ndarray:
    return np.any([inside(o, pts) for o in sch.muscle_outlines], axis=0)


PLACEMENTS = [
    ((0.02, 0.0), (0.14, -0.03), 0.01),         # the lead's example, metres
    ((0.005, 0.005), (0.15, -0.028), 0.018),    # the figure's sketch
    ((20.0, 0.0), (140.0, -30.0), 10.0),         # millimetres
    ((0.0, 0.0), (0.08, -0.09), 0.012),          # a steep muscle
    ((0.0, 0.0), (0.12, 0.02), 0.01),            # insertion higher than origin
    ((0.0, 0.0), (-0.12, -0.03), 0.01),          # a left hip seen from behind: lateral to the left
    ((1.0, 2.0), (1.12, 1.99), 0.03),            # wide and nearly horizontal
]


def check_schematic(sch, letter, variants):
    vt = variants.type(letter)
    names = [d.name for d in sch.divisions]
    assert names == (["tibial", "common fibular"] if vt.divided else ["sciatic"])
    assert len(sch.muscle_outlines) == (2 if vt.has_division_through else 1)
    assert (sch.gap_outline is not None) == vt.has_division_through
    for o in sch.muscle_outlines:
        assert o.shape[1] == 2 and np.allclose(o[0], o[-1])  # closed
    hw = sch.half_width
    stations = {}
    for d in sch.divisions:
        assert d.relation == (vt.relations[d.name])
        assert d.xy.shape[1] == 2 and np.all(np.isfinite(d.xy))
        t, off = sch.muscle_coordinates(d.crossing_xy)
        stations[d.name] = t
        assert 0.05 < t < 0.7
        h = float(sch.half_width_at(t))
        x = d.crossing_xy
        outer, pelvic = densify(d.outer_xy), densify(d.pelvic_xy)
        assert not in_muscle(sch, x[None])[0]  # the crossing point is never inside the muscle
        if d.relation == "below":
            assert off < -h
            assert not in_muscle(sch, outer).any()        # runs on below the muscle, clear of it
            assert in_muscle(sch, pelvic).any()           # came down deep to (behind) the muscle
        elif d.relation == "above":
            assert off > h
            assert not in_muscle(sch, pelvic).any()       # never behind the muscle
            assert in_muscle(sch, outer).any()            # descends over (behind, superficial to) it
        else:  # through: in the gap, between the two heads
            assert abs(off) < 0.5 * h
            upper, lower = sch.muscle_outlines
            assert inside(upper, (x + 0.6 * h * sch.normal)[None])[0]
            assert inside(lower, (x - 0.6 * h * sch.normal)[None])[0]
            assert inside(sch.gap_outline, x[None])[0]
            assert inside(upper, pelvic).any()            # came from deep to the upper head
        # the outer part runs downwards from the crossing point
        assert np.all(np.diff(d.outer_xy[:, 1]) < 0)
        assert d.pelvic_xy[0, 1] > d.crossing_xy[1]       # starts higher, inside the pelvis
    if vt.divided:
        assert stations["tibial"] < stations["common fibular"]  # tibial medial, common fibular lateral
    assert sch.divisions[0].xy[-1, 1] < min(o[:, 1].min() for o in sch.muscle_outlines)
    assert hw > 0


@pytest.mark.parametrize("start, end, hw", PLACEMENTS)
@pytest.mark.parametrize("letter", list("ABCDEF"))
def test_each_type_runs_below_through_or_above_as_it_says(variants, letter, start, end, hw):
    sch = nerve_paths_2d(letter, start, end, hw, variants=variants)
    assert sch.type_letter == letter
    np.testing.assert_allclose(sch.muscle_start, start)
    np.testing.assert_allclose(sch.muscle_end, end)
    assert sch.normal[1] >= 0  # superior side
    check_schematic(sch, letter, variants)


@given(
    st.floats(-1, 1), st.floats(-1, 1),
    st.floats(0.05, 0.3), st.floats(-1.7, 1.7),  # slopes up to about 60 degrees either way
    st.floats(0.03, 0.2), st.sampled_from("ABCDEF"), st.sampled_from([1.0, -1.0]),
)
def test_geometry_holds_for_any_reasonable_muscle(x0, y0, length, slope, width_ratio, letter, side):
    variants = load_nerve_variants()
    direction = np.array([side, slope]) / np.hypot(1.0, slope)
    start = np.array([x0, y0])
    end = start + length * direction
    sch = nerve_paths_2d(letter, start, end, width_ratio * length, variants=variants)
    check_schematic(sch, letter, variants)


def test_crossing_fraction_and_thigh_level_are_honoured(variants):
    sch = nerve_paths_2d("A", (0, 0), (0.1, 0), 0.01, crossing_fraction=0.3, thigh_y=-0.4, variants=variants)
    d = sch.division("sciatic")
    assert sch.muscle_coordinates(d.crossing_xy)[0] == pytest.approx(0.3)
    assert d.xy[-1, 1] == pytest.approx(-0.4)
    # horizontal muscle: 'below' is straight down by half width plus clearance
    assert d.crossing_xy[1] == pytest.approx(-0.01 * 1.45)


@pytest.mark.parametrize("args, words", [
    (("G", (0, 0), (0.1, 0), 0.01), "unknown Beaton & Anson type 'G' (valid: A, B, C, D, E, F)"),
    (("A", (0, 0), (0, 0), 0.01), "same point"),
    (("A", (0, 0), (0.1, 0), 0.0), "muscle_half_width"),
    (("A", (0, 0), (0.1, 0), 0.2), "muscle_half_width"),
    (("A", (0, float("nan")), (0.1, 0), 0.01), "muscle_start_xy"),
    (("A", (0, 0, 0), (0.1, 0), 0.01), "muscle_start_xy"),
])
def test_bad_geometry_input_gives_one_clear_line(variants, args, words):
    with pytest.raises(ValueError) as e:
        nerve_paths_2d(*args, variants=variants)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_thigh_level_above_the_crossing_is_refused(variants):
    with pytest.raises(ValueError, match="thigh_y"):
        nerve_paths_2d("A", (0, 0), (0.1, 0), 0.01, thigh_y=0.5, variants=variants)


def test_core_does_not_import_matplotlib():
    code = "import sys, hipmodel.nerve; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0


# --- figures ------------------------------------------------------------------------------

from hipmodel import plots  # noqa: E402


def texts(fig):
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out.append(ax.get_title(loc="left"))
    return "\n".join(out)


def png_bytes(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)
    return buf.getvalue()



@pytest.mark.parametrize("letter", list("ABCDEF"))
def test_single_type_figure(variants, letter):
    fig = plots.variant_figure_from_data(letter, variants)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert "lateral" in ax.get_xlabel() and "superior" in ax.get_ylabel() and "cm" in ax.get_xlabel()
    assert ax.get_title(loc="left").startswith(f"Type {letter}: ")
    all_text = texts(fig)
    vt = variants.type(letter)
    for name in vt.relations:
        assert {"sciatic": "sciatic nerve"}.get(name, name) in all_text
    assert vt.description.split(".")[0] in all_text.replace("\n", " ")
    assert "Prevalence: Natsis 2014" in all_text.replace("\n", " ")
    assert "piriformis" in all_text and "greater\ntrochanter" in all_text
    # the nerve colours: one per division, tibial and common fibular told apart
    colours = {l.get_color() for l in ax.lines}
    for name in vt.relations:
        assert plots.nerve.COLOURS[name] in colours
    heads = [p for p in ax.patches if p.get_facecolor()[:3] == pytest.approx(
        tuple(int(plots.nerve.COLOURS["muscle"][i:i + 2], 16) / 255 for i in (1, 3, 5)))]
    assert len(heads) == (2 if vt.has_division_through else 1)
    assert png_bytes(fig).startswith(PNG_MAGIC)


def test_small_multiples_have_six_labelled_panels(variants):
    fig = plots.all_variants_figure_from_data(variants)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 6
    for ax, t in zip(visible, variants.types):
        assert ax.get_title(loc="left").replace("\n", " ").startswith(f"Type {t.letter}: {t.short}")
        assert ax.get_xlabel() and ax.get_ylabel()
        box = [x.get_text() for x in ax.texts if "Natsis 2014" in x.get_text()]
        assert len(box) == 1  # the prevalence box
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels[:3] == ["sciatic nerve", "tibial", "common fibular"] and "piriformis" in labels
    assert "Each panel shows" in texts(fig)
    assert png_bytes(fig).startswith(PNG_MAGIC)


def test_prevalence_chart_rows_carry_n_and_intervals(variants):
    fig = plots.prevalence_figure_from_data(variants)
    assert len(fig.axes) == 2
    top, bottom = fig.axes
    assert "%" in top.get_xlabel() and "%" in bottom.get_xlabel()
    top_labels = [t.get_text() for t in top.get_yticklabels()]
    assert len(top_labels) == 4 and any("n = 294 limbs" in s for s in top_labels)
    bottom_labels = [t.get_text() for t in bottom.get_yticklabels()]
    assert len(bottom_labels) == 3 + 6  # 3 through-the-muscle rows, 6 any-variant rows
    assert any("n = 783 hips" in s for s in bottom_labels)
    assert any("6062 cadavers" in s for s in bottom_labels)
    values = " ".join(t.get_text() for t in bottom.texts)
    assert "16.9% (16.0-17.9)" in values and "9.8% (6.5-13.2), type B only" in values and "4.4%" in values
    assert "15-20%" in values  # the quoted band is labelled
    assert "Each row is one study" in texts(fig)
    # no value label runs into another text of the chart (Natsis's 4.4% once ran into the band's label)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()
    r = fig.canvas.get_renderer()
    boxes = [(t.get_text()[:20], t.get_window_extent(r)) for t in bottom.texts if t.get_text().strip()]
    for i, (a, ba) in enumerate(boxes):
        for b, bb in boxes[i + 1:]:
            assert not ba.overlaps(bb), (a, b)
    # the caption under the legend, clear of it and of the chart (it ran into the legend's second row)
    caption = next(t for t in fig.texts if t.get_text().startswith("Each row is one study"))
    cap, leg = caption.get_window_extent(r), fig.legends[0].get_window_extent(r)
    assert cap.y1 <= leg.y0 and leg.y1 <= bottom.get_tightbbox(r).y0 + 1, (cap, leg)
    assert png_bytes(fig).startswith(PNG_MAGIC)


def test_lead_can_draw_on_any_axes(variants):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    sch = nerve_paths_2d("E", (0.02, 0.0), (0.14, -0.03), 0.01, variants=variants)
    plots.draw_nerve_schematic(ax, sch, scale=1000.0, nerve_lw=3)
    assert len(ax.patches) == 3  # gap + two heads
    assert png_bytes(fig).startswith(PNG_MAGIC)


@pytest.mark.parametrize("end_x, tibial_left", [(0.12, True), (-0.12, False)])
def test_division_labels_sit_on_their_own_side(variants, end_x, tibial_left):
    """Tibial label medial, common fibular lateral, for a right and a left hip."""
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    sch = nerve_paths_2d("B", (0.0, 0.0), (end_x, -0.02), 0.01, variants=variants)
    plots.draw_nerve_schematic(ax, sch)
    x = {t.get_text(): t.get_position()[0] for t in ax.texts}
    assert (x["tibial"] < x["common fibular"]) == tibial_left


def test_empty_inputs_are_refused():
    with pytest.raises(ValueError):
        plots.all_variants_figure([])
    with pytest.raises(ValueError):
        plots.prevalence_figure([])


# --- the command --------------------------------------------------------------------------


run = run_main


def test_cli_type_writes_a_png(tmp_path, capsys):
    path = tmp_path / "b.png"
    code, out, err = run(["nerve", "--type", "B", "--out", str(path), "--dpi", "40"], capsys)
    assert (code, err) == (0, "")
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 5000
    assert f"wrote {path}" in out


def test_cli_all_writes_an_svg(tmp_path, capsys):
    path = tmp_path / "all.svg"
    code, _, err = run(["nerve", "--all", "--out", str(path)], capsys)
    assert (code, err) == (0, "")
    svg = path.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


@pytest.mark.parametrize("argv, words", [
    (["nerve", "--type", "G"], "unknown Beaton & Anson type 'G'"),
    (["nerve", "--type", "B", "--out", "b.jpg"], "unsupported file type '.jpg'"),
    (["nerve", "--type", "B", "--out", "b"], "unsupported file type '(none)'"),
    (["nerve", "--all"], "--all needs --out"),
    (["nerve", "--type", "A", "--out", "/no/such/dir/a.png"], "does not exist"),
    (["nerve"], "one of the arguments"),
    (["nerve", "--table", "--out", "t.png"], "--out goes with"),
    (["nerve", "--type", "A", "--dpi", "5"], "--dpi"),
])
def test_cli_errors_are_one_line_exit_2(argv, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and words in err, err
    assert not list(tmp_path.iterdir())  # nothing written


def test_cli_table_lists_every_type_and_source(capsys, variants):
    code, out, err = run(["nerve", "--table"], capsys)
    assert (code, err) == (0, "")
    for t in variants.types:
        assert re.search(rf"^{t.letter}  {re.escape(t.short)}", out, re.M)
    for s in variants.studies:
        assert s.citation in out
    assert "Beaton LE, Anson BJ (1937)" in out and "Beaton LE, Anson BJ (1938)" in out
    assert "Natsis 2014: 12/294 (4.1%)" in out


def test_cli_share_and_type_text(capsys):
    code, out, _ = run(["nerve", "--share"], capsys)
    assert code == 0 and "15-20%" in out and "13 of 294 limbs" in out and "Smoll NR (2010)" in out
    code, out, _ = run(["nerve", "--type", "d"], capsys)
    assert code == 0 and out.startswith("Type D: one trunk through the muscle")


def test_cli_through_a_real_subprocess(tmp_path):
    r = run_cli("nerve", "--type", "Q")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip().count("\n") == 0 and "unknown Beaton & Anson type 'Q'" in r.stderr
