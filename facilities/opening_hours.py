"""Opening hours: the OpenStreetMap `opening_hours` syntax that staff type, parsed into
weekly periods the database can query ("open now").

Supported (what Ukrainian facilities need): `24/7`; rules separated by `;`; an optional month
selector (`May-Sep:`); weekday selectors (`Mo-Fr`, `Sa,Su`, `Mo,We,Fr`, `Tu-Sa`, or none for
every day); one or more time spans (`08:00-12:00,13:00-17:00`, `24:00` as a closing time,
spans past midnight such as `22:00-02:00`); `off` / `closed`. A later rule replaces the hours
of the days it names, as in OpenStreetMap. Anything else is refused with a message that says
what and where.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MINUTES_PER_DAY = 24 * 60

_TIME = r"(\d{1,2}):(\d{2})"
_SPAN = re.compile(rf"^{_TIME}-{_TIME}$")


class OpeningHoursError(ValueError):
    """The text is not opening hours this parser understands; the message says why."""


@dataclass(frozen=True, order=True)
class Period:
    weekday: int  # 0 = Monday
    opens: int  # minutes after midnight
    closes: int  # minutes after midnight, up to 1440
    months: tuple[int, ...] = ()  # 1-12; empty = all year


def parse(text: str) -> list[Period]:
    """Weekly periods of an opening_hours string; [] for an empty string."""
    text = " ".join(text.split())
    if not text:
        return []
    if text == "24/7":
        return [Period(day, 0, MINUTES_PER_DAY) for day in range(7)]
    week: dict[tuple[int, tuple[int, ...]], list[tuple[int, int]]] = {}
    for rule in (r.strip() for r in text.split(";")):
        if not rule:
            continue
        months, rule = _months(rule)
        days, times = _days_and_times(rule)
        spans = _spans(times)
        for day in days:
            # A later rule replaces what earlier rules said about the same days and months.
            week[(day, months)] = []
        for day in days:
            for opens, closes in spans:
                if closes > opens:
                    week[(day, months)].append((opens, closes))
                else:  # past midnight: the rest of today and the start of tomorrow
                    week[(day, months)].append((opens, MINUTES_PER_DAY))
                    if closes > 0:
                        week.setdefault(((day + 1) % 7, months), []).append((0, closes))
    return sorted(
        Period(day, opens, closes, months) for (day, months), spans in week.items() for opens, closes in spans
    )


def _months(rule: str) -> tuple[tuple[int, ...], str]:
    match = re.match(r"^([A-Z][a-z]{2}(?:[-,][A-Z][a-z]{2})*)\s*:\s*(.*)$", rule)
    if not match:
        return (), rule
    selected: set[int] = set()
    for part in match.group(1).split(","):
        names = part.split("-")
        try:
            numbers = [MONTHS.index(n) + 1 for n in names]
        except ValueError:
            raise OpeningHoursError(
                _("Unknown month in “%(part)s”; use Jan … Dec.") % {"part": part}
            ) from None
        if len(numbers) == 1:
            selected.add(numbers[0])
        else:
            start, end = numbers
            month = start
            while True:
                selected.add(month)
                if month == end:
                    break
                month = month % 12 + 1
    return tuple(sorted(selected)), match.group(2)


def _days_and_times(rule: str) -> tuple[list[int], str]:
    head, _sep, tail = rule.partition(" ")
    if re.fullmatch(r"[A-Z][a-z](?:[-,][A-Z][a-z])*", head):
        return _days(head), tail.strip()
    return list(range(7)), rule


def _days(selector: str) -> list[int]:
    days: list[int] = []
    for part in selector.split(","):
        names = part.split("-")
        for name in names:
            if name not in DAYS:
                raise OpeningHoursError(
                    _("Unknown day “%(name)s”; use Mo, Tu, We, Th, Fr, Sa, Su.") % {"name": name}
                )
        if len(names) == 1:
            days.append(DAYS.index(names[0]))
        else:
            start, end = DAYS.index(names[0]), DAYS.index(names[1])
            day = start
            while True:
                days.append(day)
                if day == end:
                    break
                day = (day + 1) % 7
    return days


def _spans(times: str) -> list[tuple[int, int]]:
    if times in ("off", "closed"):
        return []
    if not times:
        raise OpeningHoursError(_("Times are missing after the days, e.g. “Mo-Fr 08:00-17:00”."))
    spans = []
    for span in times.replace(" ", "").split(","):
        match = _SPAN.match(span)
        if not match:
            raise OpeningHoursError(_("“%(span)s” is not a time span such as 08:00-17:00.") % {"span": span})
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2 > 0):
            raise OpeningHoursError(_("“%(span)s” is not a valid time of day.") % {"span": span})
        opens, closes = h1 * 60 + m1, h2 * 60 + m2
        if opens == closes:
            raise OpeningHoursError(_("“%(span)s” opens and closes at the same time.") % {"span": span})
        spans.append((opens, closes))
    return spans


def is_open(periods: list[Period], moment: dt.datetime) -> bool:
    """Whether the periods cover a local date and time."""
    minute = moment.hour * 60 + moment.minute
    return any(
        p.weekday == moment.weekday()
        and p.opens <= minute < p.closes
        and (not p.months or moment.month in p.months)
        for p in periods
    )


_DISPLAY_TOKEN = re.compile(
    r"24/7|\b(?:Mo|Tu|We|Th|Fr|Sa|Su|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|off|closed)\b|-|;"
)


def display(text: str) -> str:
    """The opening hours in the active language for people: "Mo-Su 08:00-20:00" reads
    "Пн–Нд 08:00–20:00" on a Ukrainian page, "24/7" reads "цілодобово". Text the parser
    refuses is shown as typed (better the staff's words than nothing)."""
    text = " ".join(text.split())
    try:
        parse(text)
    except OpeningHoursError:
        return text
    words = {
        "24/7": _("24/7"),
        "off": pgettext("opening hours", "closed"),
        "closed": pgettext("opening hours", "closed"),
        "-": "–",
        ";": ";",
        **dict(zip(DAYS, _day_abbreviations(), strict=True)),
        **dict(zip(MONTHS, _month_abbreviations(), strict=True)),
    }
    shown = _DISPLAY_TOKEN.sub(lambda m: words[m.group(0)], text)
    return re.sub(r"\s*;\s*", "; ", shown)


def _day_abbreviations() -> list[str]:
    return [
        pgettext("weekday", "Mo"), pgettext("weekday", "Tu"), pgettext("weekday", "We"),
        pgettext("weekday", "Th"), pgettext("weekday", "Fr"), pgettext("weekday", "Sa"),
        pgettext("weekday", "Su"),
    ]  # fmt: skip


def _month_abbreviations() -> list[str]:
    return [
        pgettext("month", "Jan"), pgettext("month", "Feb"), pgettext("month", "Mar"),
        pgettext("month", "Apr"), pgettext("month", "May"), pgettext("month", "Jun"),
        pgettext("month", "Jul"), pgettext("month", "Aug"), pgettext("month", "Sep"),
        pgettext("month", "Oct"), pgettext("month", "Nov"), pgettext("month", "Dec"),
    ]  # fmt: skip


@dataclass(frozen=True)
class OpenState:
    """Open or closed at a moment, and until when (local times, without a time zone)."""

    is_open: bool
    always: bool = False  # open around the clock: no closing time to show
    closes: dt.datetime | None = None  # when open: the moment it next closes
    opens: dt.datetime | None = None  # when closed: the moment it next opens (within a week)


def state_at(periods: list[Period], moment: dt.datetime) -> OpenState:
    """Whether the periods cover `moment` (local), and when that next changes. Spans that meet
    (Mo 22:00-24:00 and Tu 00:00-02:00) count as one, so a night pharmacy "closes at 02:00"."""
    now = moment.replace(tzinfo=None, second=0, microsecond=0)
    start = dt.datetime.combine(now.date(), dt.time()) - dt.timedelta(days=1)
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    for offset in range(10):
        day = start + dt.timedelta(days=offset)
        for p in periods:
            if p.weekday == day.weekday() and (not p.months or day.month in p.months):
                spans.append((day + dt.timedelta(minutes=p.opens), day + dt.timedelta(minutes=p.closes)))
    merged: list[list[dt.datetime]] = []
    for opens, closes in sorted(spans):
        if merged and opens <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], closes)
        else:
            merged.append([opens, closes])
    for opens, closes in merged:
        if opens <= now < closes:
            if opens <= start and closes >= start + dt.timedelta(days=10):
                return OpenState(is_open=True, always=True)
            return OpenState(is_open=True, closes=closes)
    later = [opens for opens, _closes in merged if opens > now and opens - now <= dt.timedelta(days=7)]
    return OpenState(is_open=False, opens=min(later) if later else None)


def state_text(state: OpenState, moment: dt.datetime) -> str:
    """ "open now · closes at 20:00", "open around the clock", "closed · opens tomorrow at 08:00"
    in the active language."""
    today = moment.replace(tzinfo=None).date()
    if state.is_open:
        if state.always:
            return _("open around the clock")
        return _("open now · closes at %(time)s") % {"time": _when(state.closes, today)}
    if state.opens is None:
        return pgettext("opening state", "closed")
    return _("closed · opens %(when)s") % {"when": _when(state.opens, today, opening=True)}


def _when(moment: dt.datetime, today: dt.date, *, opening: bool = False) -> str:
    time = moment.strftime("%H:%M")
    days = (moment.date() - today).days
    if days == 0 or (not opening and days == 1 and moment.time() == dt.time()):
        return (_("at %(time)s") % {"time": time}) if opening else time
    if days == 1:
        return (
            (_("tomorrow at %(time)s") % {"time": time})
            if opening
            else _("%(time)s tomorrow") % {"time": time}
        )
    weekday = _weekday_names_at()[moment.weekday()]
    return _("%(day)s at %(time)s") % {"day": weekday, "time": time}


def _weekday_names_at() -> list[str]:
    # "opens on Monday at 08:00": the day as it reads after "opens" (Ukrainian: "у понеділок").
    return [
        pgettext("opens on", "on Monday"), pgettext("opens on", "on Tuesday"),
        pgettext("opens on", "on Wednesday"), pgettext("opens on", "on Thursday"),
        pgettext("opens on", "on Friday"), pgettext("opens on", "on Saturday"),
        pgettext("opens on", "on Sunday"),
    ]  # fmt: skip
