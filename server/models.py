"""Imports every model module so metadata is complete (Alembic, tests)."""

from server.alerts import models as alert_models  # noqa: F401
from server.audit import models as audit_models  # noqa: F401
from server.auth import models as auth_models  # noqa: F401
from server.cases import models as case_models  # noqa: F401
from server.catalog import models as catalog_models  # noqa: F401
from server.core.db import Base
from server.evaluations import models as evaluation_models  # noqa: F401
from server.events import models as event_models  # noqa: F401
from server.tickets import models as ticket_models  # noqa: F401
from server.windows import models as window_models  # noqa: F401

metadata = Base.metadata
from server.applications import models as application_models  # noqa: F401, E402
from server.appointments import models as appointment_models  # noqa: F401, E402
from server.citizens import models as citizen_models  # noqa: F401, E402
from server.materials import models as material_models  # noqa: F401, E402
from server.tracking import models as tracking_models  # noqa: F401, E402
