"""Cost meter: engines record usage where AWS would bill; reports price it.

Imports only ``lakestack.core``. Never imported by the gateway.
"""

from lakestack.metering.meter import Meter, UsageRow

__all__ = ["Meter", "UsageRow"]
