"""Records: the frozen dataclasses passed between the steps of a run. No I/O here.

Every layer may import them; they import nothing else of greenprompt.
"""

from greenprompt.records.generation import (  # noqa: F401
    BackendOutput,
    Generation,
    Job,
    JobRole,
    Measurement,
    Request,
)
from greenprompt.records.inputs import (  # noqa: F401
    CHAT,
    COMPLETION,
    MODES,
    PREFIX_CACHE,
    SERVING_PROFILES,
    STANDALONE,
    CarbonIntensity,
    CascadeSpec,
    Dataset,
    DatasetInfo,
    GenerationParams,
    Item,
    ModelInfo,
    ModelSpec,
    PromptSet,
    RunModel,
    Variant,
)
from greenprompt.records.result import (  # noqa: F401
    UNCERTAIN_P_FRONTIER,
    BudgetStop,
    CascadeInfo,
    Choice,
    Comparison,
    EnergyFit,
    EnergyModel,
    Footprint,
    GateOutcome,
    Projection,
    RunResult,
    Span,
    VariantStats,
    VariantSummary,
)
from greenprompt.records.run import (  # noqa: F401
    AnalysisOptions,
    FootprintSegment,
    MeteredModel,
    NodePart,
    RunHeader,
    SegmentPart,
)
