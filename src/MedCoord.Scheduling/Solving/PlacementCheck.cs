using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>Rule 7 on minutes: the gap between a predecessor's end and its successor's start.</summary>
internal static class LinkRule
{
    /// <summary>Whether a successor starting at <paramref name="start"/> keeps the link's gap after a predecessor ending at <paramref name="previousEnd"/>.</summary>
    public static bool Holds(RequestLink link, long previousEnd, long start) =>
        start - previousEnd >= link.MinGapMinutes && (link.MaxGapMinutes is not { } max || start - previousEnd <= max);

    /// <summary>The starts that keep the link's gap after a predecessor ending at <paramref name="previousEnd"/>.</summary>
    public static MinuteSet Window(RequestLink link, long previousEnd) =>
        MinuteSet.Of(previousEnd + link.MinGapMinutes, link.MaxGapMinutes is { } max ? previousEnd + max + 1 : MinuteSet.Highest);
}

/// <summary>
/// The library's own check of a schedule before it is used: every placement in its request's options (facility,
/// provider and room starts, fixed bookings where they are fixed), no two bookings of a patient, provider, room
/// (with its buffer and places) or equipment pool beyond what they hold (<see cref="Book.Fits"/>), every link's gap
/// with its predecessor booked, and every series whole and at its cadence (<see cref="SeriesRule"/>). It uses the
/// same rule code the solvers use; the tests' verifier checks independently.
/// </summary>
internal static class PlacementCheck
{
    /// <summary>The first broken rule, as a sentence with request ids; null when the placements obey every rule.</summary>
    /// <param name="candidates">Every request's candidates, by id.</param>
    /// <param name="placements">The placements (in any candidate options with the same ids).</param>
    public static string? FirstViolation(IReadOnlyDictionary<string, RequestCandidates> candidates, IReadOnlyDictionary<string, Placement> placements)
    {
        var book = new Book();
        foreach (var (id, p) in placements.OrderBy(p => p.Value.Start).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!candidates.TryGetValue(id, out var c))
            {
                return $"request '{id}' is not in the problem";
            }

            if (OptionViolation(c, p) is { } why)
            {
                return $"request '{id}' {why}";
            }

            if (!TryBook(book, c, p))
            {
                return $"request '{id}' overlaps another booking of its patient, provider, room or equipment";
            }
        }

        foreach (var (id, p) in placements)
        {
            foreach (var link in candidates[id].Request.Links)
            {
                if (!book.Bookings.TryGetValue(link.RequestId, out var previous))
                {
                    return $"request '{id}' is booked but request '{link.RequestId}', which it follows, is not";
                }

                if (!LinkRule.Holds(link, previous.End, p.Start))
                {
                    return $"request '{id}' does not keep the gap of its link to request '{link.RequestId}'";
                }
            }
        }

        return SeriesViolation(candidates.Values.Select(c => c.Series?.Series).OfType<RequestSeries>().Distinct(), placements);
    }

    /// <summary>The first series booked in part or off its cadence; null when each is booked whole at its cadence or not at all.</summary>
    public static string? SeriesViolation(IEnumerable<RequestSeries> series, IReadOnlyDictionary<string, Placement> placements)
    {
        foreach (var s in series)
        {
            var booked = s.RequestIds.Count(placements.ContainsKey);
            if (booked != 0 && (booked != s.RequestIds.Count || !SeriesRule.Holds(s, [.. s.RequestIds.Select(v => placements[v])])))
            {
                return $"series '{s.Id}' is not booked whole at its cadence";
            }
        }

        return null;
    }

    /// <summary>Adds a placement (one of the request's options) to the book if it fits what the book holds; whether it did.</summary>
    private static bool TryBook(Book book, RequestCandidates c, Placement p)
    {
        var facility = c.Facilities.First(f => f.FacilityId == p.Facility.FacilityId);
        var room = p.Room is null ? null : facility.Rooms.First(r => r.RoomId == p.Room.RoomId);
        if (!book.Fits(Booking.Of(c, facility, p.Provider?.ProviderId, room?.RoomId, p.Start), room?.Capacity ?? 1, facility.Pools))
        {
            return false;
        }

        book.Add(c, p);
        return true;
    }

    /// <summary>Why a placement is not one of the request's options (or not where it is fixed); null when it is.</summary>
    public static string? OptionViolation(RequestCandidates c, Placement p)
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

    /// <summary>
    /// The largest-by-start subset of <paramref name="placements"/> that obeys every rule: placements outside their
    /// options or overlapping earlier ones are left out, then every booking whose link no longer holds and every series
    /// not booked whole at its cadence, until nothing changes.
    /// </summary>
    public static Dictionary<string, Placement> KeepValid(IReadOnlyDictionary<string, RequestCandidates> candidates, IReadOnlyDictionary<string, Placement> placements)
    {
        var book = new Book();
        foreach (var (id, p) in placements.OrderBy(p => p.Value.Start).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            if (candidates.TryGetValue(id, out var c) && OptionViolation(c, p) is null)
            {
                TryBook(book, c, p);
            }
        }

        bool changed;
        do
        {
            changed = false;
            foreach (var (id, p) in book.Placements.ToList())
            {
                var broken = candidates[id].Request.Links.Any(l => !book.Bookings.TryGetValue(l.RequestId, out var previous) || !LinkRule.Holds(l, previous.End, p.Start))
                    || (candidates[id].Series is { } place && SeriesViolation([place.Series], book.Placements) is not null);
                if (broken)
                {
                    foreach (var gone in candidates[id].Series?.Series.RequestIds ?? [id])
                    {
                        book.Remove(gone);
                    }

                    changed = true;
                }
            }
        }
        while (changed);

        return book.Placements;
    }
}
