"""Every domain's tables in one metadata, for Alembic and for tests comparing models to migrations."""

from fangkong.core import audit as core_audit  # noqa: F401
from fangkong.core import models as core_models  # noqa: F401
from fangkong.core.db import Base
from fangkong.people import case_models as people_case_models  # noqa: F401
from fangkong.people import managed_models as people_managed_models  # noqa: F401
from fangkong.people import models as people_models  # noqa: F401
from fangkong.places import models as places_models  # noqa: F401
from fangkong.zones import models as zones_models  # noqa: F401

metadata = Base.metadata
# imported for their tables; named here so that linters see them used
MODEL_MODULES = (
    core_audit, core_models, people_case_models, people_managed_models, people_models, places_models, zones_models,
)
