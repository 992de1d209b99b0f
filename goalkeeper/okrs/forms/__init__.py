"""Forms of the OKR pages. They parse and explain; the models and services decide.

No rule about numbers lives here: a form turns text into values, builds the unsaved row and
asks the model's `full_clean` (which asks `goalkeeper.domain`), so a page shows exactly the
field and reason the API and the CLI show. The choices (people, teams, objectives, KPIs,
cycles) are each read in one query, whatever their number, and looked up in memory.

The forms live by purpose in the modules below; every public name is re-exported here.
"""

from goalkeeper.okrs.forms.common import (
    DescribedRadioSelect,
    ModelErrorsMixin,
    NumberField,
    ObjectPicker,
)
from goalkeeper.okrs.forms.cycles import (
    CarryOverForm,
    CloseCycleForm,
    ClosingRow,
    ClosingRowForm,
    CycleForm,
    QuarterPreset,
    quarter_presets,
)
from goalkeeper.okrs.forms.key_results import (
    KIND_CHOICES,
    KIND_FIELDS,
    KIND_SPECIFIC,
    KPI_MODE_CHOICES,
    KeyResultForm,
    key_result_initial,
)
from goalkeeper.okrs.forms.objectives import (
    OBJECTIVE_KIND_CHOICES,
    STATE_CHOICES,
    ObjectiveForm,
)

__all__ = [
    "KIND_CHOICES",
    "KIND_FIELDS",
    "KIND_SPECIFIC",
    "KPI_MODE_CHOICES",
    "OBJECTIVE_KIND_CHOICES",
    "STATE_CHOICES",
    "CarryOverForm",
    "CloseCycleForm",
    "ClosingRow",
    "ClosingRowForm",
    "CycleForm",
    "DescribedRadioSelect",
    "KeyResultForm",
    "ModelErrorsMixin",
    "NumberField",
    "ObjectPicker",
    "ObjectiveForm",
    "QuarterPreset",
    "key_result_initial",
    "quarter_presets",
]
