using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Results;

/// <summary>How much of a resource's open time a schedule books.</summary>
/// <param name="Kind">"provider" or "room".</param>
/// <param name="Id">The resource id.</param>
/// <param name="BookedMinutes">Minutes of appointments booked on it.</param>
/// <param name="AvailableMinutes">Minutes it is available over the horizon (providers: availability less time off; rooms: facility hours less unavailable blocks).</param>
public sealed record ResourceUtilisation(string Kind, string Id, long BookedMinutes, long AvailableMinutes)
{
    /// <summary>Gets the booked share of available time, from 0 to 1 (0 where nothing is available).</summary>
    public double Share => AvailableMinutes == 0 ? 0 : (double)BookedMinutes / AvailableMinutes;
}

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
            rows.Add(new("room", room.Id, Booked(a => a.RoomId == room.Id), Minutes(free)));
        }

        return rows;
    }
}
