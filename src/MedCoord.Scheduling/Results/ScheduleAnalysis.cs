using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using NodaTime;

namespace MedCoord.Scheduling.Results;

/// <summary>How much of a resource's open time a schedule books.</summary>
/// <param name="Kind">"provider" or "room".</param>
/// <param name="Id">The resource id.</param>
/// <param name="BookedMinutes">Minutes of appointments booked on it.</param>
/// <param name="AvailableMinutes">Minutes it is available over the horizon (providers: availability less time off; rooms: facility hours less unavailable blocks, times the places of a room that holds several at once).</param>
public sealed record ResourceUtilisation(string Kind, string Id, long BookedMinutes, long AvailableMinutes)
{
    /// <summary>Gets the booked share of available time, from 0 to 1 (0 where nothing is available).</summary>
    public double Share => AvailableMinutes == 0 ? 0 : (double)BookedMinutes / AvailableMinutes;
}

/// <summary>One group's share of each objective term.</summary>
/// <param name="Dimension">What the rows are grouped by: "type" (appointment type) or "facility" (where booked; requests not booked count under "(not booked)").</param>
/// <param name="Id">The type or facility id.</param>
/// <param name="Requests">Requests in the group.</param>
/// <param name="Booked">Of those, booked.</param>
/// <param name="AskedPriority">Total priority of the group's requests.</param>
/// <param name="ScheduledPriority">Total priority of the booked ones (level 1).</param>
/// <param name="WaitingCost">Priority × waiting days of the booked ones (level 2).</param>
/// <param name="PreferredAsked">Requests naming a preferred provider.</param>
/// <param name="PreferredHonoured">Of those, booked with it (level 3).</param>
public sealed record ObjectiveContribution(
    string Dimension, string Id, int Requests, int Booked, long AskedPriority, long ScheduledPriority, long WaitingCost, int PreferredAsked, int PreferredHonoured);

/// <summary>Summaries of a schedule for people. Thread safe.</summary>
public static class ScheduleAnalysis
{
    /// <summary>Utilisation of every provider and room of the problem under the schedule.</summary>
    /// <param name="problem">A valid problem.</param>
    /// <param name="schedule">A schedule of that problem.</param>
    /// <returns>One row per provider, then one per room, in the problem's order.</returns>
    public static IReadOnlyList<ResourceUtilisation> Utilisation(Problem problem, Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(schedule);
        var calendar = new Calendar(problem);
        long Booked(Func<Assignment, bool> on) =>
            schedule.Assignments.Where(on).Sum(a => (long)(a.End.ToInstant() - a.Start.ToInstant()).TotalMinutes);
        long Minutes(MinuteSet set) => set.Ranges.Sum(r => r.End - r.Start);

        var rows = new List<ResourceUtilisation>();
        foreach (var provider in problem.Providers)
        {
            var free = calendar.ProviderFacilities(provider.Id)
                .Aggregate(MinuteSet.Empty, (all, f) => all.Union(calendar.ProviderFree(provider.Id, f)));
            rows.Add(new("provider", provider.Id, Booked(a => a.ProviderId == provider.Id), Minutes(free)));
        }

        foreach (var room in problem.Rooms)
        {
            var free = calendar.FacilityOpen(room.FacilityId).Intersect(calendar.RoomFree(room.Id));
            rows.Add(new("room", room.Id, Booked(a => a.RoomId == room.Id), Minutes(free) * room.Capacity));
        }

        return rows;
    }

    /// <summary>
    /// Each objective term broken down by appointment type, then by facility: what each group asked, what it got, and
    /// what its bookings cost in waiting. Each dimension's rows add up to the schedule's objective.
    /// </summary>
    /// <param name="problem">A valid problem.</param>
    /// <param name="schedule">A schedule of that problem.</param>
    /// <returns>Rows by type (in the problem's order), then by facility (in the problem's order, then "(not booked)").</returns>
    public static IReadOnlyList<ObjectiveContribution> Breakdown(Problem problem, Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(schedule);
        var booked = schedule.Assignments.ToDictionary(a => a.RequestId, StringComparer.Ordinal);
        var rows = problem.Requests.Select(r =>
        {
            booked.TryGetValue(r.Id, out var a);
            var waiting = a is null ? 0 : Objective.Waiting(problem, r, a.Start.Date);
            return (Request: r, Assignment: a, Waiting: waiting);
        }).ToList();

        ObjectiveContribution Row(string dimension, string id, IEnumerable<(AppointmentRequest Request, Assignment? Assignment, long Waiting)> group)
        {
            var list = group.ToList();
            return new ObjectiveContribution(dimension, id, list.Count, list.Count(x => x.Assignment is not null),
                Objective.Priority(list.Select(x => x.Request)), Objective.Priority(list.Where(x => x.Assignment is not null).Select(x => x.Request)),
                list.Sum(x => x.Waiting), list.Count(x => x.Request.PreferredProviderId is not null),
                list.Count(x => Objective.Preferred(x.Request, x.Assignment?.ProviderId)));
        }

        var result = problem.AppointmentTypes.Select(t => Row("type", t.Id, rows.Where(x => x.Request.TypeId == t.Id))).ToList();
        result.AddRange(problem.Facilities.Select(f => Row("facility", f.Id, rows.Where(x => x.Assignment?.FacilityId == f.Id))));
        result.Add(Row("facility", "(not booked)", rows.Where(x => x.Assignment is null)));
        return result;
    }
}
