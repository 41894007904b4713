"""Every domain's tables in one metadata, for Alembic and for tests comparing models to migrations."""

from fangkong.core import audit as core_audit
from fangkong.core import models as core_models
from fangkong.core.db import Base
from fangkong.people import managed_models as people_managed_models
from fangkong.people import models as people_models
from fangkong.places import models as places_models

MODEL_MODULES = (core_audit, core_models, people_managed_models, people_models, places_models)  # importing registers
metadata = Base.metadata
