using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;

namespace MedCoord.Scheduling.Verification;

/// <summary>
/// Reasons are claims: checks each unscheduled request's reason against the problem and the schedule, independently of
/// the model builder. A never-fits reason (<see cref="UnscheduledReason.NoAvailabilityInWindow"/>,
/// <see cref="UnscheduledReason.NoQualifiedProvider"/>, <see cref="UnscheduledReason.NoQualifiedRoom"/>,
/// <see cref="UnscheduledReason.NoEquipment"/>) says the request cannot be booked even alone: on a calendar without any
/// other request or fixed booking, with only what it cannot be booked without (the requests it follows, transitively,
/// and the other visits of its series), no schedule that obeys every rule books it.
/// </summary>
public static class ReasonCheck
{
    private static readonly UnscheduledReason[] NeverFits =
        [UnscheduledReason.NoAvailabilityInWindow, UnscheduledReason.NoQualifiedProvider, UnscheduledReason.NoQualifiedRoom, UnscheduledReason.NoEquipment];

    /// <summary>Whether a reason says the request could never be booked, whatever else is booked.</summary>
    public static bool IsNeverFits(UnscheduledReason reason) => NeverFits.Contains(reason);

    /// <summary>Each false never-fits, predecessor or series claim of <paramref name="schedule"/>, as a sentence; empty when every one holds.</summary>
    public static IReadOnlyList<string> FalseClaims(Problem problem, Schedule schedule)
    {
        var claims = new List<string>();
        var requests = problem.Requests.ToDictionary(r => r.Id);
        var booked = schedule.Assignments.Select(a => a.RequestId).ToHashSet();
        foreach (var u in schedule.Unscheduled)
        {
            if (!requests.TryGetValue(u.RequestId, out var request))
            {
                continue;
            }

            if (IsNeverFits(u.Reason) && FitsAlone(problem, request) is { } witness)
            {
                claims.Add($"{u.RequestId}: {u.Reason}, but alone it fits at {witness.Start:uuuu-MM-dd'T'HH:mm:sso<G>} at {witness.FacilityId} (provider {witness.ProviderId ?? "none"}, room {witness.RoomId ?? "none"})");
            }

            if (u.Reason == UnscheduledReason.PredecessorUnscheduled && request.After.All(l => booked.Contains(l.RequestId)))
            {
                claims.Add($"{u.RequestId}: PredecessorUnscheduled, but every request it follows is booked");
            }

            if (u.Reason == UnscheduledReason.SeriesIncomplete
                && (problem.Series ?? []).Where(s => s.RequestIds.Contains(u.RequestId)).All(s => s.RequestIds.Where(id => id != u.RequestId).All(booked.Contains)))
            {
                claims.Add($"{u.RequestId}: SeriesIncomplete, but every other visit of its series is booked");
            }
        }

        return claims;
    }

    /// <summary>
    /// A booking of the request alone, as the never-fits reasons mean it (see <see cref="ReasonCheck"/>), or null when
    /// there is none or the problem of the request and its companions is too large to decide (over 8 requests).
    /// </summary>
    public static Assignment? FitsAlone(Problem problem, AppointmentRequest request)
    {
        // Without its links and series: the test-side first fit finds the earliest start of a lone request wherever one exists.
        var bare = problem with { Requests = [request with { After = null }], Fixed = [], Series = null };
        var witness = FirstFit.Schedule(bare).SingleOrDefault();
        var series = (problem.Series ?? []).ToList();
        if (witness is null || (request.After.Count == 0 && !series.Any(s => s.RequestIds.Contains(request.Id))))
        {
            return witness;
        }

        // With its companions: the exact optimum when the request outweighs all of them books it wherever it can be booked.
        var requests = problem.Requests.ToDictionary(r => r.Id);
        var companions = new HashSet<string> { request.Id };
        var pending = new Stack<string>(companions);
        while (pending.TryPop(out var id))
        {
            var next = requests[id].After.Select(l => l.RequestId)
                .Concat(series.Where(s => s.RequestIds.Contains(id)).SelectMany(s => s.RequestIds));
            foreach (var other in next.Where(companions.Add))
            {
                pending.Push(other);
            }
        }

        var together = problem with
        {
            Requests = [.. problem.Requests.Where(r => companions.Contains(r.Id)).Select(r => r with { Priority = r.Id == request.Id ? 1_000 : 1 })],
            Fixed = [],
            Series = [.. series.Where(s => s.RequestIds.All(companions.Contains))],
        };
        return ExhaustiveSearch.BestAssignments(together)?.SingleOrDefault(a => a.RequestId == request.Id);
    }
}
