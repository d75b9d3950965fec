"""How long a person may take over an escalation, per customer segment."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

__all__ = ["ServiceLevels", "ServiceLevel"]


@dataclass(frozen=True)
class ServiceLevel:
    #: A reminder goes to the assignee this long after the escalation...
    remind_after: timedelta
    #: ...and after this long it moves to the assignee's manager.
    escalate_after: timedelta


@dataclass(frozen=True)
class ServiceLevels:
    default: ServiceLevel = ServiceLevel(timedelta(hours=4), timedelta(hours=24))
    #: Segment -> its own service level (e.g. strategic accounts answered faster).
    by_segment: Mapping[str, ServiceLevel] = field(default_factory=dict)

    def for_segment(self, segment: str | None) -> ServiceLevel:
        if segment is None:
            return self.default
        return self.by_segment.get(segment, self.default)
