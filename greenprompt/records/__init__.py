"""Records: the frozen dataclasses passed between the steps of a run. No I/O here.

Every layer may import them; they import nothing else of greenprompt.
"""

from greenprompt.records.inputs import (  # noqa: F401
    CHAT, COMPLETION, MODES, PREFIX_CACHE, SERVING_PROFILES, STANDALONE,
    GenerationParams,
    Variant,
    ModelSpec,
    CascadeSpec,
    RunModel,
    PromptSet,
    Item,
    DatasetInfo,
    Dataset,
    ModelInfo,
    CarbonIntensity,
)
from greenprompt.records.generation import (  # noqa: F401
    Request,
    Job,
    JobRole,
    BackendOutput,
    Measurement,
    Generation,
)
from greenprompt.records.run import (  # noqa: F401
    AnalysisOptions,
    MeteredModel,
    RunHeader,
    SegmentPart,
    FootprintSegment,
)
from greenprompt.records.result import (  # noqa: F401
    UNCERTAIN_P_FRONTIER,
    Comparison,
    VariantStats,
    Projection,
    CascadeInfo,
    VariantSummary,
    EnergyModel,
    EnergyFit,
    Span,
    Footprint,
    GateOutcome,
    RunResult,
)
