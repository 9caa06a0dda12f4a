using Google.OrTools.LinearSolver;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// An upper bound on the priority any schedule can book, from a linear relaxation of capacity: every appointment lies
/// wholly inside one stretch of time its provider (at its facility) and its room are free and the facility is open,
/// so the minutes booked inside a stretch never exceed its length (times the places of a shared room). The relaxation lets a request be split across
/// stretches and ignores exact start times, links and patients, so its optimum is at least that of any schedule.
/// Requests that could use exactly the same stretches for the same minutes are one column of the relaxation, counted
/// as many times as there are such requests: identical columns add nothing to a linear programme but size.
/// </summary>
internal static class CapacityBound
{
    /// <summary>Relaxations larger than this many variables are not attempted.</summary>
    public const int MaximumVariables = 1_500_000;

    /// <summary>The largest share of a solve's time the bound may take.</summary>
    public const double TimeShare = 0.1;

    /// <param name="calendar">The problem's calendar.</param>
    /// <param name="candidates">Every request's candidates.</param>
    /// <param name="timeLimit">The time the linear programme may take.</param>
    /// <param name="maximumVariables">The most stretch shares attempted (<see cref="MaximumVariables"/> but in tests).</param>
    /// <returns>The bound, or null when the relaxation is too large or was not solved to optimality in time.</returns>
    public static long? Compute(Calendar calendar, IReadOnlyList<RequestCandidates> candidates, TimeSpan timeLimit, int maximumVariables = MaximumVariables)
    {
        var bookable = candidates.Where(c => c.CanBeScheduled).ToList();
        if (bookable.Count == 0)
        {
            return 0;
        }

        if (timeLimit <= TimeSpan.Zero || Columns(calendar, bookable, maximumVariables) is not { } columns)
        {
            return null;
        }

        // A room is taken through each appointment's buffer; only the last buffer of a stretch may run past its end.
        var longestBuffer = bookable.Max(c => c.Type.BufferMinutes);
        using var solver = Solver.CreateSolver("GLOP");
        var stretches = new Dictionary<(Resource Resource, long Start), Constraint>();
        var objective = solver.Objective();
        objective.SetMaximization();
        foreach (var (column, requests) in columns)
        {
            // Σ booked over the column's priorities = Σ provider-stretch shares = Σ room-stretch shares ≤ its requests.
            var byProvider = column.BooksProvider ? solver.MakeConstraint(0, 0) : null;
            var byRoom = column.BooksRoom ? solver.MakeConstraint(0, 0) : null;
            foreach (var (priority, count) in requests)
            {
                var booked = solver.MakeNumVar(0, count, string.Empty);
                objective.SetCoefficient(booked, priority);
                byProvider?.SetCoefficient(booked, -1);
                byRoom?.SetCoefficient(booked, -1);
            }

            var total = requests.Values.Sum();
            foreach (var use in column.Uses)
            {
                var share = solver.MakeNumVar(0, total, string.Empty);
                (use.Resource.IsRoom ? byRoom : byProvider)!.SetCoefficient(share, 1);
                if (!stretches.TryGetValue((use.Resource, use.Start), out var capacity))
                {
                    var length = use.End - use.Start + (use.Resource.IsRoom ? longestBuffer : 0);
                    stretches[(use.Resource, use.Start)] = capacity = solver.MakeConstraint(double.NegativeInfinity, length * use.Places);
                }

                capacity.SetCoefficient(share, column.Duration + (use.Resource.IsRoom ? column.Buffer : 0));
            }
        }

        solver.SetTimeLimit(Milliseconds(timeLimit));
        if (solver.Solve() != Solver.ResultStatus.OPTIMAL)
        {
            return null;
        }

        // Priorities are whole numbers; the margin absorbs the solver's tolerance so rounding never cuts a real schedule.
        return (long)Math.Floor(objective.Value() + 1e-3);
    }

    /// <summary>
    /// The time limit in the whole milliseconds the linear solver takes, rounded up: it reads 0 as no limit at all.
    /// </summary>
    internal static long Milliseconds(TimeSpan timeLimit) => (long)Math.Ceiling(timeLimit.TotalMilliseconds);

    /// <summary>
    /// The requests grouped by column (the same stretches, duration and buffer), each with how many requests of each
    /// priority it holds; null when the relaxation would have more than <paramref name="maximumVariables"/> stretch shares.
    /// </summary>
    private static Dictionary<Column, Dictionary<int, int>>? Columns(Calendar calendar, List<RequestCandidates> bookable, int maximumVariables)
    {
        var free = new Dictionary<Resource, MinuteSet>();
        var columns = new Dictionary<Column, Dictionary<int, int>>();
        long variables = 0;
        foreach (var c in bookable)
        {
            var column = new Column(c.Duration, c.Type.BufferMinutes, c.Type.BooksProvider, c.Type.BooksRoom, [.. Uses(calendar, c, free)]);
            if (!columns.TryGetValue(column, out var requests))
            {
                variables += column.Uses.Length;
                if (variables > maximumVariables)
                {
                    return null;
                }

                columns[column] = requests = [];
            }

            requests[c.Request.Priority] = requests.GetValueOrDefault(c.Request.Priority) + 1;
        }

        return columns;
    }

    /// <summary>A provider at one facility (its stretches are per facility), or a room (which belongs to one facility).</summary>
    internal readonly record struct Resource(bool IsRoom, string Id, string? Facility);

    /// <summary>One stretch a request could be booked in: the resource, the stretch, and the places it holds at once.</summary>
    internal readonly record struct Use(Resource Resource, long Start, long End, int Places);

    /// <summary>What a request asks of the relaxation: its minutes, and the stretches that could hold them.</summary>
    internal sealed record Column(int Duration, int Buffer, bool BooksProvider, bool BooksRoom, Use[] Uses)
    {
        public bool Equals(Column? other) =>
            other is not null && Duration == other.Duration && Buffer == other.Buffer && BooksProvider == other.BooksProvider
            && BooksRoom == other.BooksRoom && Uses.AsSpan().SequenceEqual(other.Uses);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(Duration);
            hash.Add(Buffer);
            hash.Add(BooksProvider);
            hash.Add(BooksRoom);
            foreach (var use in Uses)
            {
                hash.Add(use);
            }

            return hash.ToHashCode();
        }
    }

    /// <summary>Each provider and room stretch the request could be booked in, with the resource it belongs to.</summary>
    /// <param name="calendar">The problem's calendar.</param>
    /// <param name="c">The request.</param>
    /// <param name="free">Each resource's free time within its facility's open time, filled as needed.</param>
    private static IEnumerable<Use> Uses(Calendar calendar, RequestCandidates c, Dictionary<Resource, MinuteSet> free)
    {
        MinuteSet Free(Resource key, string facility, Func<MinuteSet> compute) =>
            free.TryGetValue(key, out var set) ? set : free[key] = compute().Intersect(calendar.FacilityOpen(facility));

        foreach (var facility in c.Facilities)
        {
            var f = facility.FacilityId;
            foreach (var p in facility.Providers)
            {
                var key = new Resource(false, p.ProviderId, f);
                foreach (var (start, end) in Holding(Free(key, f, () => calendar.ProviderFree(p.ProviderId, f)), p.Starts))
                {
                    yield return new Use(key, start, end, 1);
                }
            }

            foreach (var r in facility.Rooms)
            {
                var key = new Resource(true, r.RoomId, null);
                foreach (var (start, end) in Holding(Free(key, f, () => calendar.RoomFree(r.RoomId)), r.Starts))
                {
                    yield return new Use(key, start, end, r.Capacity);
                }
            }
        }
    }

    /// <summary>
    /// The stretches of <paramref name="free"/> that hold an appointment starting at one of <paramref name="starts"/>:
    /// those holding a start, since every start is one at which the whole appointment fits in the resource's free time
    /// and the facility's open time (<see cref="Calendar.ProviderStarts"/>, <see cref="Calendar.RoomStarts"/>,
    /// <see cref="Calendar.FacilityStarts"/>), so in the one stretch of their intersection that holds the start.
    /// </summary>
    private static IEnumerable<(long Start, long End)> Holding(MinuteSet free, MinuteSet starts) =>
        free.Ranges.Where(s => !starts.Intersect(MinuteSet.Of(s.Start, s.End)).IsEmpty);
}
