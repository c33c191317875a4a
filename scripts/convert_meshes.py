"""Convert the OpenSim bone meshes (VTK XML PolyData) into hipmodel's compact mesh files.

Reads ``/work/shared/reference/meshes/{gait2392,rajagopal2016}/*.vtp`` (copied unchanged
from opensim-org/opensim-models @ 20a888b9655e73fb84963d6e03eee3752cf6074b) and writes
``data/meshes/<model>.json``: every bone of that model with its body, its vertices in
millimetres (body frame, rounded to 0.01 mm) and its triangles (quads and larger
polygons are split into a fan of triangles), plus a ``source`` block naming the
repository, the commit, each original path and the licence or credit text.

Usage::

    python scripts/convert_meshes.py [--src DIR] [--out DIR]

The schema is read back by :func:`hipmodel.bones.load_mesh_file`.
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SRC = Path("/work/shared/reference/meshes")
DEFAULT_OUT = REPO_ROOT / "data" / "meshes"

REPOSITORY = "opensim-org/opensim-models"
COMMIT = "20a888b9655e73fb84963d6e03eee3752cf6074b"

GAIT2392_CREDIT = (
    "Gait2392 bone meshes from the OpenSim model gait2392_thelen2003muscle.osim, whose credits read: "
    "Delp S.L., Loan J.P., Hoy M.G., Zajac F.E., Topp E.L., Rosen J.M., Thelen D.G., Anderson F.C., Seth A. "
    "License: Creative Commons (CCBY 3.0), free to distribute, remix, tweak and build upon, even commercially, "
    "as long as the original creation is credited (http://creativecommons.org/licenses/by/3.0/)."
)
RAJAGOPAL_CREDIT = (
    "Rajagopal 2016 bone meshes from the OpenSim model Rajagopal2016.osim (Rajagopal A, Dembia CL, DeMers MS, "
    "Delp DD, Hicks JL, Delp SL (2016) IEEE Trans Biomed Eng 63(10):2068-2079). The files carry no licence "
    "text of their own; the model's README says they were modified from the simtk.org full_body project. "
    "Credited here as the source."
)

NAMES = {"gait2392": "Gait2392", "rajagopal2016": "Rajagopal 2016"}

# model id -> (repository folder of the .vtp files, model file, credit, hip centre in the pelvis
# frame (m, from the model file's hip_r joint, as in shared/reference/hip_geometry.md), bones)
# bone: (our name, body, file name)
MODELS = {
    "gait2392": (
        "Geometry",
        "Models/Gait2392_Simbody/gait2392_thelen2003muscle.osim",
        GAIT2392_CREDIT,
        (-0.0707, -0.0661, 0.0835),
        (("pelvis_r", "pelvis", "pelvis.vtp"), ("pelvis_l", "pelvis", "l_pelvis.vtp"),
         ("sacrum", "pelvis", "sacrum.vtp"), ("femur_r", "femur", "femur_r.vtp")),
    ),
    "rajagopal2016": (
        "Models/Rajagopal/Geometry",
        "Models/Rajagopal/Rajagopal2016.osim",
        RAJAGOPAL_CREDIT,
        (-0.056276, -0.07849, 0.07726),
        (("pelvis_r", "pelvis", "r_pelvis.vtp"), ("pelvis_l", "pelvis", "l_pelvis.vtp"),
         ("sacrum", "pelvis", "sacrum.vtp"), ("femur_r", "femur", "r_femur.vtp")),
    ),
}


def _numbers(piece: ET.Element, xpath: str, dtype, path: Path) -> np.ndarray:
    da = piece.find(xpath)
    if da is None:
        raise ValueError(f"{path}: no DataArray at {xpath}")
    if da.get("format", "ascii") != "ascii":
        raise ValueError(f"{path}: DataArray {xpath} is {da.get('format')!r}, only ascii is supported")
    return np.array((da.text or "").split(), dtype=dtype)


def read_vtp(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read one ASCII VTK XML PolyData file.

    Returns
    -------
    points : ndarray (n, 3), float, the file's units (metres here)
    triangles : ndarray (m, 3), int; every polygon split into a fan ``(p0, pk, pk+1)``
    """
    path = Path(path)
    piece = ET.parse(path).getroot().find("PolyData/Piece")
    if piece is None:
        raise ValueError(f"{path}: not a PolyData file")
    n = int(piece.get("NumberOfPoints"))
    pts = _numbers(piece, "Points/DataArray", float, path).reshape(-1, 3)
    if len(pts) != n:
        raise ValueError(f"{path}: {len(pts)} points, header says {n}")
    conn = _numbers(piece, "Polys/DataArray[@Name='connectivity']", int, path)
    offsets = _numbers(piece, "Polys/DataArray[@Name='offsets']", int, path)
    tris, start = [], 0
    for end in offsets:
        poly = conn[start:end]
        start = end
        tris += [(poly[0], poly[k], poly[k + 1]) for k in range(1, len(poly) - 1)]
    tri = np.array(tris, dtype=int).reshape(-1, 3)
    keep = (tri[:, 0] != tri[:, 1]) & (tri[:, 1] != tri[:, 2]) & (tri[:, 0] != tri[:, 2])
    return pts, tri[keep]


def mesh_document(model_id: str, src_dir: str | Path = DEFAULT_SRC) -> dict:
    """The mesh file's content for one model, as a JSON-ready dict."""
    folder, model_file, credit, hip, bones = MODELS[model_id]
    out = []
    for name, body, fname in bones:
        pts, tri = read_vtp(Path(src_dir) / model_id / fname)
        mm = np.round(pts * 1000.0, 2) + 0.0  # + 0.0 turns -0.0 into 0.0
        out.append({
            "name": name,
            "body": body,
            "source_path": f"{folder}/{fname}",
            "vertices": [[float(x) for x in v] for v in mm],
            "triangles": tri.tolist(),
        })
    return {
        "schema_version": 1,
        "model": model_id,
        "name": NAMES[model_id],
        "units": "mm",
        "frames": "each bone in its body's frame, as in the model file: pelvis x anterior, y superior, z right; "
                  "femur with its origin at the hip centre, parallel to the pelvis frame at zero pose",
        "hip_centre": {"pelvis": [round(c * 1000.0, 4) for c in hip], "femur": [0.0, 0.0, 0.0],
                       "source": f"{model_file} (hip_r joint)"},
        "source": {
            "repository": REPOSITORY,
            "commit": COMMIT,
            "model_file": model_file,
            "credit": credit,
            "conversion": "scripts/convert_meshes.py: metres to millimetres rounded to 0.01 mm; polygons split "
                          "into triangles (fan); no other change",
        },
        "bones": out,
    }


def dumps(doc: dict) -> str:
    """Compact JSON with one line per bone (small, and diffs stay readable)."""
    head = {k: v for k, v in doc.items() if k != "bones"}
    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2]
    bones = ",\n  ".join(json.dumps(b, separators=(",", ":")) for b in doc["bones"])
    return f"{text},\n \"bones\": [\n  {bones}\n ]\n}}\n"


def convert(src_dir: str | Path = DEFAULT_SRC, out_dir: str | Path = DEFAULT_OUT) -> list[Path]:
    """Write ``<out_dir>/<model>.json`` for every model; returns the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for model_id in MODELS:
        p = out_dir / f"{model_id}.json"
        p.write_text(dumps(mesh_document(model_id, src_dir)), encoding="utf-8")
        written.append(p)
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default=str(DEFAULT_SRC), help="folder holding gait2392/ and rajagopal2016/")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output folder (default data/meshes)")
    args = ap.parse_args(argv)
    for p in convert(args.src, args.out):
        print(f"{p}: {p.stat().st_size / 1024:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
