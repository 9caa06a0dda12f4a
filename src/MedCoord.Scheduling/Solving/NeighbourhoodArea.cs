namespace MedCoord.Scheduling.Solving;

/// <summary>
/// Where a neighbourhood looks: one facility, the minutes [<paramref name="From"/>, <paramref name="To"/>), and the
/// providers and rooms one of its requests could use there.
/// </summary>
/// <param name="FacilityId">The facility.</param>
/// <param name="From">The first minute.</param>
/// <param name="To">The minute after the last.</param>
/// <param name="Providers">The providers.</param>
/// <param name="Rooms">The rooms.</param>
internal sealed record NeighbourhoodArea(string FacilityId, long From, long To, IReadOnlySet<string> Providers, IReadOnlySet<string> Rooms)
{
    private const long MinutesPerDay = 1440;

    /// <summary>The area of a request's option at a facility, from one of its days' first minute to that day's end and <paramref name="extraDays"/> days more.</summary>
    /// <param name="facility">The request's option at the facility.</param>
    /// <param name="day">One of the option's days.</param>
    /// <param name="extraDays">How many days past <paramref name="day"/> the area reaches.</param>
    public static NeighbourhoodArea Of(FacilityOption facility, DayOption day, int extraDays) =>
        new(facility.FacilityId, day.From, day.To + (extraDays * MinutesPerDay),
            facility.Providers.Select(p => p.ProviderId).ToHashSet(StringComparer.Ordinal),
            facility.Rooms.Select(r => r.RoomId).ToHashSet(StringComparer.Ordinal));

    /// <summary>Whether a placement starts in the area with one of its providers or in one of its rooms.</summary>
    public bool Holds(Placement p) =>
        p.Facility.FacilityId == FacilityId && From <= p.Start && p.Start < To
        && ((p.Provider is { } provider && Providers.Contains(provider.ProviderId)) || (p.Room is { } room && Rooms.Contains(room.RoomId)));

    /// <summary>Whether a request's options let it start in the area with one of its providers or in one of its rooms.</summary>
    public bool Admits(RequestCandidates c) =>
        c.Facilities.Any(f => f.FacilityId == FacilityId && f.Starts.Overlaps(From, To)
            && (f.Providers.Any(p => Providers.Contains(p.ProviderId) && p.Starts.Overlaps(From, To))
                || f.Rooms.Any(r => Rooms.Contains(r.RoomId) && r.Starts.Overlaps(From, To))));
}
