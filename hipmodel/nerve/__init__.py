"""Sciatic nerve and piriformis: Beaton & Anson types A-F, their prevalence, a schematic.

Three parts, numpy only:

* :mod:`.data`: the types and prevalence studies, loaded and validated;
* :mod:`.share`: what share of hips has a division through the muscle in these data;
* :mod:`.schematic`: the nerve drawn around a piriformis band (posterior view).
"""

from .data import (
    BEATON_ANSON_RELATIONS,
    DIVISIONS,
    NERVE_DATA_FILE,
    QUOTED_THROUGH_RANGE_PERCENT,
    RELATIONS,
    Finding,
    NerveDataError,
    NerveVariants,
    Study,
    TypeValue,
    VariantType,
    load_nerve_variants,
    nerve_variants_from_json,
)
from .schematic import NervePath, NerveSchematic, nerve_paths_2d, nerve_paths_from_relations
from .share import (ShareEstimate, ShareThrough, percent_text, prevalence_rows, share_through, type_prevalence_lines,
                    units_text)

__all__ = [
    "BEATON_ANSON_RELATIONS", "NERVE_DATA_FILE", "RELATIONS", "DIVISIONS", "QUOTED_THROUGH_RANGE_PERCENT", "NerveDataError",
    "VariantType", "TypeValue", "Finding", "Study", "NerveVariants", "load_nerve_variants",
    "nerve_variants_from_json", "ShareEstimate", "ShareThrough", "share_through", "type_prevalence_lines",
    "prevalence_rows", "percent_text", "units_text", "NervePath", "NerveSchematic", "nerve_paths_2d", "nerve_paths_from_relations",
]
