using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using NodaTime;

namespace MedCoord.Scheduling.Validation;

/// <summary>Where a fixed booking lands on the timeline: its resources and minutes.</summary>
internal sealed record FixedPlacement(FixedBooking Booking, AppointmentRequest Request, string FacilityId, long Start, long End, long RoomEnd);

/// <summary>
/// A fixed booking must obey the hard rules on its own (rules 3, 4, 5, 8), must not overlap another fixed booking
/// (rule 6) and must keep the gaps of links between fixed bookings (rule 7).
/// </summary>
internal sealed class FixedBookingRules
{
    private readonly Problem _problem;
    private readonly Func<string, int, string> _path;
    private readonly List<ValidationError> _errors;

    public FixedBookingRules(Problem problem, Func<string, int, string> path, List<ValidationError> errors)
    {
        _problem = problem;
        _path = path;
        _errors = errors;
    }

    /// <summary>
    /// Resolves the facility of a fixed booking: the room's, the one given, or the first where the booking can stand at
    /// that start (open, the provider working there, a pool of every equipment kind its type needs).
    /// </summary>
    public static string? ResolveFacility(Calendar calendar, FixedBooking booking, long start, int duration)
    {
        if (booking.RoomId is not null)
        {
            return calendar.Rooms[booking.RoomId].FacilityId;
        }

        if (booking.FacilityId is not null)
        {
            return booking.FacilityId;
        }

        var request = calendar.Requests[booking.RequestId];
        var type = calendar.TypeOf(request);
        var facilities = (booking.ProviderId is null ? calendar.Facilities.Keys : calendar.ProviderFacilities(booking.ProviderId)).ToList();
        return facilities.FirstOrDefault(f => calendar.FacilityStarts(request, f).Contains(start)
                && (booking.ProviderId is null || calendar.ProviderFree(booking.ProviderId, f).ContainsRange(start, start + duration))
                && calendar.PoolsFor(type, f) is not null)
            ?? facilities.FirstOrDefault();
    }

    public static FixedPlacement Place(Calendar calendar, FixedBooking booking)
    {
        var request = calendar.Requests[booking.RequestId];
        var duration = calendar.DurationOf(request);
        var start = calendar.Timeline.ToMinute(booking.Start);
        var facility = ResolveFacility(calendar, booking, start, duration) ?? string.Empty;
        return new FixedPlacement(booking, request, facility, start, start + duration, start + duration + calendar.TypeOf(request).BufferMinutes);
    }

    /// <summary>Checks every fixed booking; the calendar built for it, or null when there are none.</summary>
    public Calendar? Check()
    {
        if (_problem.Fixed.Count == 0)
        {
            return null;
        }

        var calendar = new Calendar(_problem);
        var placements = new List<(int Index, FixedPlacement Placement)>();
        for (var i = 0; i < _problem.Fixed.Count; i++)
        {
            var placement = Place(calendar, _problem.Fixed[i]);
            if (CheckAlone(calendar, _path("fixed", i), placement))
            {
                placements.Add((i, placement));
            }
        }

        CheckOverlaps(calendar, placements);
        CheckSharedCapacity(calendar, placements);
        CheckLinks(placements);
        CheckSeries(calendar, placements);
        return calendar;
    }

    private bool CheckAlone(Calendar calendar, string path, FixedPlacement p)
    {
        var before = _errors.Count;
        var booking = p.Booking;
        var type = calendar.TypeOf(p.Request);
        var minutes = $"{p.End - p.Start} minutes from {booking.Start}";

        if (booking.RoomId is not null && booking.FacilityId is not null && booking.FacilityId != p.FacilityId)
        {
            Add($"{path}.facility", $"room '{booking.RoomId}' is at facility '{p.FacilityId}', not '{booking.FacilityId}'");
        }

        if (booking.ProviderId is { } providerId)
        {
            var provider = calendar.Providers[providerId];
            if (!calendar.HasSkill(provider, type))
            {
                Add($"{path}.provider", $"provider '{providerId}' lacks skill '{type.ProviderSkill}' for type '{type.Id}'");
            }
            else if (!calendar.ProviderFree(providerId, p.FacilityId).ContainsRange(p.Start, p.End))
            {
                Add($"{path}.provider", $"provider '{providerId}' is not available at facility '{p.FacilityId}' for {minutes}");
            }
        }

        if (booking.RoomId is { } roomId)
        {
            var room = calendar.Rooms[roomId];
            if (!calendar.HasFeatures(room, type))
            {
                Add($"{path}.room", $"room '{roomId}' lacks features {string.Join(", ", type.RoomFeatures.Select(f => $"'{f}'"))} for type '{type.Id}'");
            }
            else if (!calendar.RoomFree(roomId).ContainsRange(p.Start, p.End))
            {
                Add($"{path}.room", $"room '{roomId}' is unavailable for {minutes}");
            }
        }

        if (!calendar.FacilityOpen(p.FacilityId).ContainsRange(p.Start, p.End))
        {
            Add($"{path}.start", $"facility '{p.FacilityId}' is not open for {minutes}");
        }

        if (calendar.PoolsFor(type, p.FacilityId) is null)
        {
            Add($"{path}.start", $"facility '{p.FacilityId}' has no pool of every equipment kind type '{type.Id}' needs ({string.Join(", ", type.Equipment.Select(k => $"'{k}'"))})");
        }

        if (!calendar.PatientFree(p.Request.PatientId).ContainsRange(p.Start, p.End))
        {
            Add($"{path}.start", $"patient '{p.Request.PatientId}' is not available for {minutes}");
        }

        var date = calendar.Timeline.LocalDateOf(calendar.Facilities[p.FacilityId].Zone, p.Start);
        var earliest = p.Request.Earliest ?? _problem.Horizon.Start;
        var latest = p.Request.Latest ?? _problem.Horizon.End;
        if (date < earliest || date > latest || !_problem.Horizon.Contains(date))
        {
            Add($"{path}.start", date < earliest || date > latest
                ? $"start date {date:uuuu-MM-dd} is outside the window of request '{p.Request.Id}' ({earliest:uuuu-MM-dd} to {latest:uuuu-MM-dd})"
                : $"start date {date:uuuu-MM-dd} is outside the horizon ({_problem.Horizon.Start:uuuu-MM-dd} to {_problem.Horizon.End:uuuu-MM-dd})");
        }

        return _errors.Count == before;
    }

    private void CheckOverlaps(Calendar calendar, List<(int Index, FixedPlacement Placement)> placements)
    {
        for (var a = 0; a < placements.Count; a++)
        {
            for (var b = a + 1; b < placements.Count; b++)
            {
                var (i, x) = placements[a];
                var (j, y) = placements[b];
                string? clash = null;
                if (x.Booking.ProviderId is not null && x.Booking.ProviderId == y.Booking.ProviderId && Overlaps(x.Start, x.End, y.Start, y.End))
                {
                    clash = $"provider '{x.Booking.ProviderId}'";
                }
                else if (x.Booking.RoomId is not null && x.Booking.RoomId == y.Booking.RoomId && calendar.Rooms[x.Booking.RoomId].Capacity == 1
                    && Overlaps(x.Start, x.RoomEnd, y.Start, y.RoomEnd))
                {
                    clash = $"room '{x.Booking.RoomId}' (counting its buffer)";
                }
                else if (x.Request.PatientId == y.Request.PatientId && Overlaps(x.Start, x.End, y.Start, y.End))
                {
                    clash = $"patient '{x.Request.PatientId}'";
                }

                if (clash is not null)
                {
                    Add($"{_path("fixed", j)}.start", $"overlaps fixed booking of request '{x.Request.Id}' (fixed[{i}]) for {clash}");
                }
            }
        }
    }

    /// <summary>Rules 6 and 9 where places are shared: no minute holds more fixed bookings than a room's capacity or a pool's count.</summary>
    private void CheckSharedCapacity(Calendar calendar, List<(int Index, FixedPlacement Placement)> placements)
    {
        var users = new List<(string What, int Capacity, int Index, FixedPlacement Placement, long End)>();
        foreach (var (index, p) in placements)
        {
            if (p.Booking.RoomId is { } room && calendar.Rooms[room].Capacity > 1)
            {
                users.Add(($"room '{room}' (capacity {calendar.Rooms[room].Capacity}, counting buffers)", calendar.Rooms[room].Capacity, index, p, p.RoomEnd));
            }

            foreach (var pool in calendar.PoolsFor(calendar.TypeOf(p.Request), p.FacilityId) ?? [])
            {
                users.Add(($"equipment pool '{pool.Id}' ({pool.Count} unit{(pool.Count == 1 ? string.Empty : "s")})", pool.Count, index, p, p.End));
            }
        }

        foreach (var group in users.GroupBy(u => u.What, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(u => u.Placement.Start).ThenBy(u => u.Index).ToList();
            for (var k = 0; k < ordered.Count; k++)
            {
                var current = ordered[k];
                var sharing = ordered.Take(k).Where(u => u.End > current.Placement.Start).ToList();
                if (sharing.Count >= current.Capacity)
                {
                    Add($"{_path("fixed", current.Index)}.start",
                        $"{group.Key} already holds fixed bookings of requests {string.Join(", ", sharing.Select(u => $"'{u.Placement.Request.Id}'"))} then");
                }
            }
        }
    }

    /// <summary>Rule 10 for fixed visits: a series is fixed whole or not at all, and its fixed visits keep its cadence.</summary>
    private void CheckSeries(Calendar calendar, List<(int Index, FixedPlacement Placement)> placements)
    {
        var byRequest = placements.ToDictionary(p => p.Placement.Request.Id, StringComparer.Ordinal);
        var fixedIds = _problem.Fixed.Select(f => f.RequestId).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < _problem.Series.Count; i++)
        {
            var series = _problem.Series[i];
            var isFixed = series.RequestIds.Where(fixedIds.Contains).ToList();
            if (isFixed.Count == 0)
            {
                continue;
            }

            if (isFixed.Count < series.RequestIds.Count)
            {
                var k = series.RequestIds.ToList().FindIndex(id => !fixedIds.Contains(id));
                Add($"{_path("series", i)}.requests[{k}]",
                    $"request '{series.RequestIds[k]}' is not fixed, but '{isFixed[0]}' of the same series is; fix every visit of a series or none");
                continue;
            }

            if (!series.RequestIds.All(byRequest.ContainsKey))
            {
                continue;
            }

            var first = byRequest[series.RequestIds[0]].Placement;
            var firstLocal = calendar.Timeline.ToInstant(first.Start).InZone(calendar.Facilities[first.FacilityId].Zone).LocalDateTime;
            var firstProvider = series.RequestIds.Select(id => byRequest[id].Placement.Booking.ProviderId).FirstOrDefault(p => p is not null);
            for (var k = 1; k < series.RequestIds.Count; k++)
            {
                var (index, visit) = byRequest[series.RequestIds[k]];
                var local = calendar.Timeline.ToInstant(visit.Start).InZone(calendar.Facilities[visit.FacilityId].Zone).LocalDateTime;
                // The rule decides; the date it names is computed only where it lies in the horizon (a cadence that reaches
                // past the horizon's end is broken by every fixed visit, which lies in it).
                var days = (long)k * series.IntervalDays;
                var date = days <= Period.Between(firstLocal.Date, _problem.Horizon.End, PeriodUnits.Days).Days ? firstLocal.Date.PlusDays((int)days) : (LocalDate?)null;
                var (from, to) = SeriesRule.WindowOf(series, Timeline.LocalMinute(firstLocal), k);
                if (Timeline.LocalMinute(local) is var minute && (minute < from || minute > to))
                {
                    var when = date is { } d ? $"on {d:uuuu-MM-dd}" : $"{days} days after its first visit, past the horizon,";
                    Add($"{_path("fixed", index)}.start",
                        $"visit {k + 1} of series '{series.Id}' must start {when} within {series.ToleranceMinutes} minutes of {firstLocal.TimeOfDay:HH:mm} local time, found {local:uuuu-MM-dd HH:mm}");
                }
                else if (series.SameProvider && visit.Booking.ProviderId is { } provider && provider != firstProvider)
                {
                    Add($"{_path("fixed", index)}.provider", $"series '{series.Id}' keeps one provider: '{firstProvider}' (its first visit with one), found '{provider}'");
                }
            }
        }
    }

    private void CheckLinks(List<(int Index, FixedPlacement Placement)> placements)
    {
        var byRequest = placements.ToDictionary(p => p.Placement.Request.Id, StringComparer.Ordinal);
        foreach (var (index, placement) in placements)
        {
            foreach (var link in placement.Request.After)
            {
                if (!byRequest.TryGetValue(link.RequestId, out var previous))
                {
                    continue;
                }

                if (!LinkRule.Holds(link, previous.Placement.End, placement.Start))
                {
                    Add($"{_path("fixed", index)}.start",
                        $"starts {placement.Start - previous.Placement.End} minutes after fixed request '{link.RequestId}' ends; its link allows {LinkRule.Allowed(link)}");
                }
            }
        }

    }

    private static bool Overlaps(long aStart, long aEnd, long bStart, long bEnd) => aStart < bEnd && bStart < aEnd;

    private void Add(string path, string message) => _errors.Add(new(path, message));
}
