using Google.OrTools.LinearSolver;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// An upper bound on the priority any schedule can book, from a linear relaxation of capacity: every appointment lies
/// wholly inside one stretch of time its provider (at its facility) and its room are free and the facility is open,
/// so the minutes booked inside a stretch never exceed its length (times the places of a shared room). The relaxation lets a request be split across
/// stretches and ignores exact start times, links and patients, so its optimum is at least that of any schedule.
/// </summary>
internal static class CapacityBound
{
    /// <summary>Relaxations larger than this many variables are not attempted.</summary>
    public const int MaximumVariables = 1_500_000;

    /// <summary>The largest share of a solve's time the bound may take.</summary>
    public const double TimeShare = 0.1;

    /// <returns>The bound, or null when the relaxation is too large or was not solved to optimality in time.</returns>
    public static long? Compute(Calendar calendar, IReadOnlyList<RequestCandidates> candidates, TimeSpan timeLimit)
    {
        var bookable = candidates.Where(c => c.CanBeScheduled).ToList();
        if (bookable.Count == 0)
        {
            return 0;
        }

        var free = new Dictionary<(string Resource, string Facility), MinuteSet>();
        if (timeLimit <= TimeSpan.Zero || bookable.Sum(c => (long)Uses(calendar, c, free).Count()) > MaximumVariables)
        {
            return null;
        }

        // A room is taken through each appointment's buffer; only the last buffer of a stretch may run past its end.
        var longestBuffer = bookable.Max(c => c.Type.BufferMinutes);
        using var solver = Solver.CreateSolver("GLOP");
        var stretches = new Dictionary<(string Resource, long Start), Constraint>();
        var objective = solver.Objective();
        objective.SetMaximization();
        foreach (var c in bookable)
        {
            // booked(c) = Σ provider-stretch shares = Σ room-stretch shares ≤ 1.
            var booked = solver.MakeNumVar(0, 1, string.Empty);
            objective.SetCoefficient(booked, c.Request.Priority);
            var byProvider = c.Type.BooksProvider ? solver.MakeConstraint(0, 0, string.Empty) : null;
            var byRoom = c.Type.BooksRoom ? solver.MakeConstraint(0, 0, string.Empty) : null;
            byProvider?.SetCoefficient(booked, -1);
            byRoom?.SetCoefficient(booked, -1);
            foreach (var (resource, stretch, isRoom, places) in Uses(calendar, c, free))
            {
                var share = solver.MakeNumVar(0, 1, string.Empty);
                (isRoom ? byRoom : byProvider)!.SetCoefficient(share, 1);
                if (!stretches.TryGetValue((resource, stretch.Start), out var capacity))
                {
                    var length = stretch.End - stretch.Start + (isRoom ? longestBuffer : 0);
                    stretches[(resource, stretch.Start)] = capacity = solver.MakeConstraint(double.NegativeInfinity, length * places, string.Empty);
                }

                capacity.SetCoefficient(share, c.Duration + (isRoom ? c.Type.BufferMinutes : 0));
            }
        }

        solver.SetTimeLimit((long)timeLimit.TotalMilliseconds);
        if (solver.Solve() != Solver.ResultStatus.OPTIMAL)
        {
            return null;
        }

        // Priorities are whole numbers; the margin absorbs the solver's tolerance so rounding never cuts a real schedule.
        return (long)Math.Floor(objective.Value() + 1e-3);
    }

    /// <summary>Each provider and room stretch the request could be booked in, with the resource it belongs to.</summary>
    /// <param name="calendar">The problem's calendar.</param>
    /// <param name="c">The request.</param>
    /// <param name="free">Each resource's free and open time per facility, filled as needed.</param>
    private static IEnumerable<(string Resource, (long Start, long End) Stretch, bool IsRoom, int Places)> Uses(
        Calendar calendar, RequestCandidates c, Dictionary<(string Resource, string Facility), MinuteSet> free)
    {
        MinuteSet Free(string key, string facility, Func<MinuteSet> compute) =>
            free.TryGetValue((key, facility), out var set) ? set : free[(key, facility)] = compute().Intersect(calendar.FacilityOpen(facility));

        foreach (var facility in c.Facilities)
        {
            var f = facility.FacilityId;
            foreach (var p in facility.Providers)
            {
                var key = $"provider:{p.ProviderId}";
                foreach (var stretch in Holding(Free(key, f, () => calendar.ProviderFree(p.ProviderId, f)), p.Starts, c.Duration))
                {
                    yield return ($"{key}@{f}", stretch, false, 1);
                }
            }

            foreach (var r in facility.Rooms)
            {
                var key = $"room:{r.RoomId}";
                foreach (var stretch in Holding(Free(key, f, () => calendar.RoomFree(r.RoomId)), r.Starts, c.Duration))
                {
                    yield return (key, stretch, true, r.Capacity);
                }
            }
        }
    }

    /// <summary>The stretches of <paramref name="free"/> that hold an appointment starting at one of <paramref name="starts"/>.</summary>
    private static IEnumerable<(long Start, long End)> Holding(MinuteSet free, MinuteSet starts, int duration) =>
        free.Ranges.Where(s => s.End - s.Start >= duration && !starts.Intersect(MinuteSet.Of(s.Start, s.End - duration + 1)).IsEmpty);
}
