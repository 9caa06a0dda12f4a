using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;

namespace MedCoord.Scheduling.Verification;

/// <summary>What the fuzz campaign found wrong with one returned schedule; each count is 0 or 1 per problem, the details say what.</summary>
/// <param name="Invalid">The verifier rejects the schedule.</param>
/// <param name="FalseReasons">A never-fits reason on a request the placement search books alone, or CapacityTaken on one it inserts into the returned book.</param>
/// <param name="FalseOptimality">Optimal or a bound contradicted: by the exhaustive optimum (tiny problems), by first fit, by the schedule itself or by a request still insertable.</param>
/// <param name="NonMaximal">A waiting request can be added to the returned book without moving anything.</param>
/// <param name="BelowFirstFit">Less priority booked than the test-side first fit books.</param>
/// <param name="Undecided">Placement searches that stopped at their budget (not counted as findings).</param>
/// <param name="Details">One line per finding.</param>
public sealed record FuzzFindings(int Invalid, int FalseReasons, int FalseOptimality, int NonMaximal, int BelowFirstFit, int Undecided, IReadOnlyList<string> Details)
{
    public bool Any => Invalid + FalseReasons + FalseOptimality + NonMaximal + BelowFirstFit > 0;
}

/// <summary>
/// The independent checks of the fuzz campaign on one problem and the schedule returned for it: the verifier, the
/// placement search (<see cref="PlacementSearch"/>) for reasons and maximality, the exhaustive optimum for problems of
/// up to 8 requests, and first fit. A placement the search finds is confirmed by <see cref="ScheduleVerifier"/> before it
/// counts, so a finding is never the search's word alone.
/// </summary>
public static class FuzzCheck
{
    private static readonly UnscheduledReason[] NeverFits =
        [UnscheduledReason.NoQualifiedProvider, UnscheduledReason.NoQualifiedRoom, UnscheduledReason.NoAvailabilityInWindow, UnscheduledReason.NoEquipment];

    public static FuzzFindings Check(Problem problem, Schedule schedule)
    {
        var details = new List<string>();
        var requests = problem.Requests.ToDictionary(r => r.Id);
        long Priority(IEnumerable<Assignment> book) => book.Sum(a => (long)requests[a.RequestId].Priority);

        var violations = ScheduleVerifier.Violations(problem, schedule);
        details.AddRange(violations.Take(5).Select(v => $"invalid: {v}"));
        var invalid = violations.Count > 0;
        var hasSchedule = schedule.Status is ScheduleStatus.Optimal or ScheduleStatus.Feasible;
        var priority = Priority(schedule.Assignments);
        var bound = schedule.Objective.UpperBound;

        var search = new PlacementSearch(problem);
        var falseReasons = 0;
        var nonMaximal = 0;
        var insertedPriority = priority;
        if (hasSchedule && !invalid)
        {
            foreach (var u in schedule.Unscheduled)
            {
                if (NeverFits.Contains(u.Reason) && search.FitAlone(u.RequestId) is { } alone && Confirmed(problem, alone, u.RequestId, details))
                {
                    falseReasons++;
                    details.Add($"false reason: {u.RequestId} is {u.Reason} but fits alone: {Describe(alone)}");
                }

                if (search.Insert(schedule.Assignments, u.RequestId) is { Count: > 0 } slot && Confirmed(problem, schedule, slot, details))
                {
                    nonMaximal++;
                    details.Add($"non-maximal: {u.RequestId} ({u.Reason}) can be added: {Describe(slot)}");
                    if (u.Reason == UnscheduledReason.CapacityTaken)
                    {
                        falseReasons++;
                        details.Add($"false reason: {u.RequestId} is CapacityTaken but the returned book still has a slot");
                    }
                }
            }

            // A better schedule than the returned one: add every request that still fits, highest priority first.
            var book = schedule.Assignments.ToList();
            foreach (var u in schedule.Unscheduled.OrderByDescending(u => requests[u.RequestId].Priority).ThenBy(u => u.RequestId, StringComparer.Ordinal))
            {
                if (book.All(a => a.RequestId != u.RequestId) && search.Insert(book, u.RequestId) is { Count: > 0 } added)
                {
                    book.AddRange(added);
                }
            }

            if (book.Count > schedule.Assignments.Count && Confirmed(problem, AsSchedule(problem, book), details))
            {
                insertedPriority = Priority(book);
            }
        }

        // First fit on the requests outside series (it books no series) is a valid schedule of the whole problem.
        var firstFit = FirstFitWithoutSeries(problem);
        var firstFitPriority = firstFit is not null && Confirmed(problem, AsSchedule(problem, firstFit), details) ? Priority(firstFit) : 0;
        var belowFirstFit = hasSchedule && priority < firstFitPriority;
        if (belowFirstFit)
        {
            details.Add($"below first fit: priority {priority} < first fit {firstFitPriority}");
        }

        var falseOptimality = new List<string>();
        var exact = problem.Requests.Count <= 8 ? ExhaustiveSearch.BestPriority(problem) : null;
        if (exact is { } best)
        {
            if (schedule.Status == ScheduleStatus.Optimal && priority != best)
            {
                falseOptimality.Add($"Optimal with priority {priority}, the exhaustive optimum is {best}");
            }

            if (hasSchedule && bound < best)
            {
                falseOptimality.Add($"bound {bound} below the exhaustive optimum {best}");
            }
        }

        if (hasSchedule)
        {
            var known = Math.Max(Math.Max(priority, firstFitPriority), insertedPriority);
            if (bound < known)
            {
                falseOptimality.Add($"bound {bound} below a schedule of priority {known}");
            }

            if (schedule.Status == ScheduleStatus.Optimal && known > priority)
            {
                falseOptimality.Add($"Optimal with priority {priority}, but a schedule of priority {known} exists");
            }
        }

        details.AddRange(falseOptimality.Select(f => $"false optimality: {f}"));
        return new FuzzFindings(invalid ? 1 : 0, Math.Min(1, falseReasons), falseOptimality.Count > 0 ? 1 : 0, Math.Min(1, nonMaximal), belowFirstFit ? 1 : 0, search.Undecided, details);
    }

    /// <summary>Test-side first fit on the problem without its series and the requests linked after them.</summary>
    public static IReadOnlyList<Assignment>? FirstFitWithoutSeries(Problem problem)
    {
        var inSeries = problem.Series.SelectMany(s => s.RequestIds).ToHashSet();
        var requests = problem.Requests.ToDictionary(r => r.Id);
        var memo = new Dictionary<string, bool>();
        bool Touches(string id) => memo.TryGetValue(id, out var t) ? t : memo[id] = inSeries.Contains(id) || requests[id].After.Any(l => Touches(l.RequestId));
        if (problem.Fixed.Any(f => Touches(f.RequestId)))
        {
            return null;
        }

        return FirstFit.Schedule(problem with { Requests = [.. problem.Requests.Where(r => !Touches(r.Id))], Series = [] });
    }

    /// <summary>A schedule of <paramref name="assignments"/>, every other request unscheduled.</summary>
    public static Schedule AsSchedule(Problem problem, IReadOnlyList<Assignment> assignments)
    {
        var booked = assignments.Select(a => a.RequestId).ToHashSet();
        return new Schedule(ScheduleStatus.Feasible, new ScheduleObjective(0, 0, 0), assignments,
            [.. problem.Requests.Where(r => !booked.Contains(r.Id)).Select(r => new UnscheduledRequest(r.Id, UnscheduledReason.CapacityTaken, "not booked"))],
            new SolveStats(0, 1, 0));
    }

    /// <summary>Whether the request with what it was placed with keeps every rule on its own (a problem of just those requests).</summary>
    private static bool Confirmed(Problem problem, IReadOnlyList<Assignment> alone, string requestId, List<string> details)
    {
        var ids = alone.Select(a => a.RequestId).ToHashSet();
        var sub = problem with
        {
            Requests = [.. problem.Requests.Where(r => ids.Contains(r.Id))],
            Fixed = [.. problem.Fixed.Where(f => ids.Contains(f.RequestId))],
            Series = [.. problem.Series.Where(s => s.RequestIds.Any(ids.Contains))],
        };
        var ok = Confirmed(sub, AsSchedule(sub, alone), details);
        if (!ok)
        {
            details.Add($"oracle: the placement found for {requestId} alone is rejected by the verifier");
        }

        return ok;
    }

    private static bool Confirmed(Problem problem, Schedule book, IReadOnlyList<Assignment> added, List<string> details) =>
        Confirmed(problem, AsSchedule(problem, [.. book.Assignments, .. added]), details);

    private static bool Confirmed(Problem problem, Schedule schedule, List<string> details)
    {
        var violations = ScheduleVerifier.Violations(problem, schedule);
        if (violations.Count > 0)
        {
            details.Add($"oracle: a placement-search schedule is rejected by the verifier: {violations[0]}");
        }

        return violations.Count == 0;
    }

    private static string Describe(IReadOnlyList<Assignment> placements) =>
        string.Join("; ", placements.Select(a => $"{a.RequestId} {a.ProviderId ?? "-"}/{a.RoomId ?? "-"}@{a.FacilityId} {a.Start:uuuu-MM-ddTHH:mmo<g>}"));
}
