"""Request and response models of the hotline API."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from fangkong.core.fields import LocalMoment, StrictBool

Kind = Literal["enquiry", "help", "complaint", "report", "suggestion"]
Channel = Literal["phone", "web", "app", "open311"]
Urgency = Literal["normal", "emergency"]
OutOfScope = Literal["litigation", "petition", "secrets"]
State = Literal["received", "dispatched", "accepted", "replied", "closed", "visited", "refused"]
Satisfaction = Literal["satisfied", "basically", "not"]
Text = Field(min_length=1, max_length=4000)


class TicketIn(BaseModel):
    kind: Kind
    channel: Channel = "phone"
    topic: str = Field(max_length=64, description="a code of the topic tree (GET /hotline/topics)")
    text: str = Text
    urgency: Urgency = "normal"
    caller_name: str = Field("", max_length=50)
    caller_phone: str | None = Field(None, max_length=20)
    address: str = Field("", max_length=200)
    district: str | None = Field(None, max_length=6, description="GB/T 2260 district code")
    over_enforcement: StrictBool = Field(False, description="a report of 层层加码 / 一刀切: goes to supervision")
    out_of_scope: OutOfScope | None = Field(None, description="refuse it (recorded) as out of the hotline's scope")


class DispatchIn(BaseModel):
    department: str = Field(max_length=32, description="department code")


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class TextIn(BaseModel):
    text: str = Text


class VisitIn(BaseModel):
    satisfaction: Satisfaction
    comment: str | None = Field(None, max_length=500)


class EventOut(BaseModel):
    at: LocalMoment
    kind: str
    actor: str
    text: str | None


class TicketOut(BaseModel):
    id: int
    kind: str
    channel: str
    urgency: str
    topic: str
    topic_name: str
    over_enforcement: bool
    caller_name: str
    caller_phone: str | None = Field(description="masked")
    address: str
    district: str | None
    text: str
    state: str
    refused_reason: str | None
    department: str | None
    owner_department: str | None
    received_at: LocalMoment
    reply_due_at: LocalMoment | None
    overdue: bool
    reply: str | None
    replied_at: LocalMoment | None
    closed_at: LocalMoment | None
    visit_due_at: LocalMoment | None
    satisfaction: str | None
    reopened: int
    escalated: bool


class TicketDetail(TicketOut):
    events: list[EventOut]


class TicketPage(BaseModel):
    items: list[TicketOut]
    total: int
    page: int
    per_page: int


class SentBackOut(BaseModel):
    id: int
    state: str


class CallerOut(BaseModel):
    ticket_id: int
    caller_name: str
    caller_phone: str | None


class TopicOut(BaseModel):
    code: str
    parent: str | None
    name: str
    over_enforcement: bool


class BoardSection(BaseModel):
    count: int
    items: list[TicketOut]


class BoardOut(BaseModel):
    queue: BoardSection
    due_soon: BoardSection
    overdue: BoardSection
    visits_due: BoardSection


class Rates(BaseModel):
    received: int
    responded: int
    replied: int
    on_time: int
    late: int
    resolved: int
    visited: int
    satisfied: int
    response_rate: float | None
    reply_rate: float | None
    on_time_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None


class KeyedRates(Rates):
    key: str


class FiguresOut(BaseModel):
    start: date
    end: date
    total: Rates
    by_department: list[KeyedRates]
    by_topic: list[KeyedRates]
    by_day: list[KeyedRates]


class SweepOut(BaseModel):
    reminded: int
    escalated: int
