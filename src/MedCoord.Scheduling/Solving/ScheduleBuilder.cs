using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Time;
using NodaTime;

namespace MedCoord.Scheduling.Solving;

/// <summary>Turns a solution (or its absence) into a <see cref="Schedule"/> that accounts for every request once.</summary>
internal static class ScheduleBuilder
{
    /// <param name="calendar">The problem's calendar.</param>
    /// <param name="candidates">Every request's candidates.</param>
    /// <param name="result">What the search produced.</param>
    /// <param name="stats">Stats, read once the schedule is complete.</param>
    /// <param name="explainUntil">How long after the solve began explanations may run.</param>
    /// <param name="elapsed">Time since the solve began.</param>
    /// <param name="soft">The weighted soft rules of the solve, if any.</param>
    /// <param name="settings">The solve's settings, for the checks on an empty calendar.</param>
    public static Schedule Build(Calendar calendar, IReadOnlyList<RequestCandidates> candidates, PhasedResult result, SoftRules? soft, Func<SolveStats> stats,
        TimeSpan explainUntil, Func<TimeSpan> elapsed, SolveSettings settings)
    {
        var assignments = new List<Assignment>();
        var scheduled = new HashSet<string>(StringComparer.Ordinal);
        var byId = candidates.ToDictionary(c => c.Request.Id, StringComparer.Ordinal);
        foreach (var (id, placement) in result.Placements ?? new Dictionary<string, Placement>())
        {
            assignments.Add(ToAssignment(calendar, byId[id], placement));
            scheduled.Add(id);
        }

        var deadline = ExplanationBudget.ChecksDeadline(explainUntil, candidates.Count - scheduled.Count, elapsed());
        var book = new Book();
        foreach (var (id, placement) in result.Placements ?? new Dictionary<string, Placement>())
        {
            book.Add(byId[id], placement);
        }

        var seriesFits = new Dictionary<string, bool?>(StringComparer.Ordinal);
        var unscheduled = candidates
            .Where(c => !scheduled.Contains(c.Request.Id))
            .Select(c => Explain(c, result, scheduled, byId, seriesFits, ExplanationBudget.CheckLimit(deadline, elapsed()), settings))
            .Select(u => u.Reason == UnscheduledReason.CapacityTaken ? WithBlockers(u, byId[u.RequestId], book) : u)
            .ToList();

        var priority = Objective.Priority(assignments.Select(a => calendar.Requests[a.RequestId]));
        var waiting = assignments.Sum(a => Objective.Waiting(calendar.Problem, calendar.Requests[a.RequestId], a.Start.Date));

        return new Schedule(
            result.Status,
            new ScheduleObjective(priority, UpperBound(result.Status, priority, result.PriorityBound), waiting, soft?.Costs(result.Placements ?? new Dictionary<string, Placement>())),
            [.. assignments.OrderBy(a => a.Start.ToInstant()).ThenBy(a => a.RequestId, StringComparer.Ordinal)],
            unscheduled,
            stats(),
            result.Status == ScheduleStatus.Infeasible && result.Conflict is { Count: > 0 } conflict ? conflict : null);
    }

    /// <summary>
    /// The bound reported on booked priority: the booked priority itself when the search proved it optimal, otherwise
    /// the search's bound, never below what is booked.
    /// </summary>
    /// <param name="status">The search's status.</param>
    /// <param name="priority">The priority the schedule books.</param>
    /// <param name="searchBound">The bound the search proved.</param>
    internal static long UpperBound(ScheduleStatus status, long priority, long searchBound) =>
        status == ScheduleStatus.Optimal ? priority : Math.Max(priority, searchBound);

    private static Assignment ToAssignment(Calendar calendar, RequestCandidates candidates, Placement placement)
    {
        var zone = calendar.Facilities[placement.Facility.FacilityId].Zone;
        var request = candidates.Request;
        return new Assignment(
            request.Id,
            request.PatientId,
            placement.Provider?.ProviderId,
            placement.Room?.RoomId,
            placement.Facility.FacilityId,
            calendar.Timeline.ToInstant(placement.Start).InZone(zone).ToOffsetDateTime(),
            calendar.Timeline.ToInstant(placement.Start + candidates.Duration).InZone(zone).ToOffsetDateTime());
    }

    /// <summary>Most booked requests named per resource in the message (all of them are in <see cref="UnscheduledRequest.BlockedBy"/>).</summary>
    private const int NamedInMessage = 3;

    /// <summary>
    /// The providers, rooms and patient time taken where the request could have started (its candidate starts per
    /// resource), with the booked requests taking them, in start order. A provider working at several facilities is
    /// named once, with the requests taking them at every one.
    /// </summary>
    private static UnscheduledRequest WithBlockers(UnscheduledRequest u, RequestCandidates c, Book book)
    {
        var blockers = new List<Blocker>();
        void Add(string kind, string id, IEnumerable<string> requests)
        {
            var list = requests.Distinct(StringComparer.Ordinal).ToList();
            if (list.Count > 0)
            {
                blockers.Add(new Blocker(kind, id, list));
            }
        }

        // A provider is named where first met, over the starts at every facility. Rooms and pools each belong to one
        // facility, so they are met once.
        var providerStarts = c.Facilities.SelectMany(f => f.Providers).GroupBy(p => p.ProviderId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Aggregate(MinuteSet.Empty, (starts, p) => starts.Union(p.Starts)), StringComparer.Ordinal);

        // Equipment first: a pool is shared by every room and provider, so where it is taken it is the likeliest cause.
        foreach (var facility in c.Facilities)
        {
            foreach (var pool in facility.Pools)
            {
                Add("equipment", pool.PoolId, book.PoolTakenBy(pool.PoolId, c.Duration, facility.Starts.Intersect(book.PoolBlocked(pool, c.Duration, facility.Starts))));
            }
        }

        foreach (var facility in c.Facilities)
        {
            foreach (var p in facility.Providers)
            {
                if (providerStarts.Remove(p.ProviderId, out var starts))
                {
                    Add("provider", p.ProviderId, book.ProviderTakenBy(p.ProviderId, c.Duration, starts));
                }
            }

            foreach (var r in facility.Rooms)
            {
                // A shared room is named where it is full, with everyone in it there.
                var length = c.Duration + c.Type.BufferMinutes;
                var full = r.Capacity == 1 ? r.Starts : r.Starts.Intersect(book.RoomBlocked(r, length, r.Starts));
                Add("room", r.RoomId, book.RoomTakenBy(r.RoomId, length, full));
            }
        }

        Add("patient", c.Request.PatientId, book.PatientTakenBy(c.Request.PatientId, c.Duration, c.AllStarts));
        if (blockers.Count == 0)
        {
            return u;
        }

        var named = string.Join("; ", blockers.Take(NamedInMessage).Select(b =>
            $"{b.Kind} '{b.Id}' has {string.Join(", ", b.RequestIds.Take(NamedInMessage).Select(r => $"'{r}'"))}{(b.RequestIds.Count > NamedInMessage ? $" and {b.RequestIds.Count - NamedInMessage} more" : string.Empty)}"));
        var more = blockers.Count > NamedInMessage ? $"; {blockers.Count - NamedInMessage} more resources" : string.Empty;
        return u with { Message = $"{u.Message} ({named}{more})", BlockedBy = blockers };
    }

    private static UnscheduledRequest Explain(RequestCandidates c, PhasedResult result, HashSet<string> scheduled, IReadOnlyDictionary<string, RequestCandidates> all,
        Dictionary<string, bool?> seriesFits, TimeSpan checkLimit, SolveSettings settings)
    {
        var id = c.Request.Id;
        if (!c.CanBeScheduled)
        {
            return new(id, c.StaticReason!.Value, c.StaticMessage!);
        }

        switch (result.Status)
        {
            case ScheduleStatus.Infeasible:
                return new(id, UnscheduledReason.NoSolutionFound, result.Conflict is { Count: > 0 } conflict
                    ? $"the fixed bookings of {string.Join(", ", conflict.Select(f => $"'{f}'"))} and their links already conflict: no schedule obeys every rule"
                    : "the fixed bookings and their links leave no schedule that obeys every rule");
            case ScheduleStatus.NoSolutionFound:
                return new(id, UnscheduledReason.NoSolutionFound, "the solver stopped before it found any schedule");
        }

        if (c.Series is { } place)
        {
            var series = place.Series;
            var fits = seriesFits.TryGetValue(series.Id, out var known) ? known : seriesFits[series.Id] = FitsAloneCheck.FitsWithPredecessors(c, all, checkLimit, settings);
            if (fits == false)
            {
                return new(id, UnscheduledReason.NoAvailabilityInWindow,
                    $"its series '{series.Id}' ({series.RequestIds.Count} visits every {series.IntervalDays} days within {series.ToleranceMinutes} minutes of the first visit's time{(series.SameProvider ? ", one provider" : string.Empty)}) cannot be booked whole in its visits' windows and links, even with the calendar free");
            }
        }
        else if (c.Request.After.Count > 0 && FitsAloneCheck.FitsWithPredecessors(c, all, checkLimit, settings) == false)
        {
            return new(id, UnscheduledReason.NoAvailabilityInWindow,
                "no placement in its window keeps the gaps of its links to the requests it follows, even with the calendar free");
        }

        var missing = c.Request.After.FirstOrDefault(l => !scheduled.Contains(l.RequestId) && c.Series?.Series.RequestIds.Contains(l.RequestId, StringComparer.Ordinal) != true);
        return missing is not null
            ? new(id, UnscheduledReason.PredecessorUnscheduled, $"it follows request '{missing.RequestId}', which is not scheduled")
            : c.Series is { } inSeries
                ? new(id, UnscheduledReason.CapacityTaken, $"its series '{inSeries.Series.Id}' is booked whole or not at all, and every way to book all of it meets higher-priority work")
                : new(id, UnscheduledReason.CapacityTaken, "it fits on its own, but every slot it could take went to higher-priority work");
    }
}
