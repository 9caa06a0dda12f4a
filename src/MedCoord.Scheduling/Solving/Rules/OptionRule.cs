namespace MedCoord.Scheduling.Solving;

/// <summary>
/// Rules 1, 3, 4, 5 and 8 on a placement: a request that can be booked at all, at a start its facility allows (hours,
/// the request's window, the patient's hours, the horizon), with a qualified provider and a room with every feature
/// where its type books them, at starts each of them allows, and exactly where it is fixed. <see cref="RequestCandidates"/>
/// computes these starts once; the CP-SAT model takes them as its variables' domains, first fit, series placement and
/// recommendations search only within them, and <see cref="Violation"/> checks a placement against them.
/// </summary>
internal static class OptionRule
{
    /// <summary>Why a placement is not one of the request's options (or not where it is fixed); null when it is.</summary>
    public static string? Violation(RequestCandidates c, Placement p)
    {
        if (!c.CanBeScheduled)
        {
            return "cannot be booked at all";
        }

        var facility = c.Facilities.FirstOrDefault(f => f.FacilityId == p.Facility.FacilityId);
        if (facility is null || !facility.Starts.Contains(p.Start))
        {
            return $"cannot start then at facility '{p.Facility.FacilityId}'";
        }

        var provider = p.Provider is null ? null : facility.Providers.FirstOrDefault(o => o.ProviderId == p.Provider.ProviderId);
        if (c.Type.BooksProvider != (p.Provider is not null) || (p.Provider is not null && (provider is null || !provider.Starts.Contains(p.Start))))
        {
            return $"cannot start then with provider '{p.Provider?.ProviderId}'";
        }

        var room = p.Room is null ? null : facility.Rooms.FirstOrDefault(o => o.RoomId == p.Room.RoomId);
        if (c.Type.BooksRoom != (p.Room is not null) || (p.Room is not null && (room is null || !room.Starts.Contains(p.Start))))
        {
            return $"cannot start then in room '{p.Room?.RoomId}'";
        }

        if (c.Fixed is { } fixedAt && (fixedAt.Start != p.Start || fixedAt.FacilityId != facility.FacilityId
            || fixedAt.Booking.ProviderId != p.Provider?.ProviderId || fixedAt.Booking.RoomId != p.Room?.RoomId))
        {
            return "is fixed elsewhere";
        }

        return null;
    }
}
