"""Every domain's tables in one metadata, for Alembic and for tests comparing models to migrations."""

from fangkong.core import audit as core_audit
from fangkong.core import models as core_models
from fangkong.core.db import Base
from fangkong.enterprises import models as enterprises_models
from fangkong.hotline import models as hotline_models
from fangkong.inspection import models as inspection_models
from fangkong.lab import models as lab_models
from fangkong.people import case_models as people_case_models
from fangkong.people import managed_models as people_managed_models
from fangkong.people import models as people_models
from fangkong.places import models as places_models
from fangkong.quarantine import models as quarantine_models
from fangkong.supplies import models as supplies_models
from fangkong.tracing import models as tracing_models
from fangkong.zones import models as zones_models

metadata = Base.metadata
# imported for their tables; named here so that linters see them used
MODEL_MODULES = (
    core_audit, core_models, enterprises_models, hotline_models, inspection_models, lab_models, people_case_models,
    people_managed_models, people_models, places_models, quarantine_models, supplies_models, tracing_models,
    zones_models,
)
