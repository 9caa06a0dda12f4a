using Google.OrTools.Sat;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// Rules 6 and 9, written once: a patient and a provider are in one appointment at a time; a room is taken from an
/// appointment's start through its type's buffer and holds at most its capacity of appointments; an equipment pool lends
/// at most its count of units. The CP-SAT model (<see cref="AddTo"/>), the starts first fit, series placement, the book's
/// cut of a request's options and recommendations keep to (<see cref="FreeOfPatientAndPools"/>, <see cref="FreeWith"/>,
/// <see cref="FreeIn"/>, <see cref="FreeRoom"/>), the check of a placement (<see cref="Fits"/>) and the explanation of a
/// clash (<see cref="Clash"/>) all come from here; <see cref="Book"/> only indexes what is taken.
/// </summary>
internal static class ResourceRule
{
    /// <summary>How long a booking of the request takes its room: its duration and its type's buffer.</summary>
    public static int RoomMinutes(RequestCandidates c) => c.Duration + c.Type.BufferMinutes;

    /// <summary>Starts in <paramref name="window"/> at which the patient and a unit of each of the facility's pools are free.</summary>
    public static MinuteSet FreeOfPatientAndPools(Book book, RequestCandidates c, FacilityOption facility, MinuteSet window, IReadOnlySet<string>? ignoring = null)
    {
        var starts = Book.Free(window, s => book.PatientBlocked(c.Request.PatientId, c.Duration, s, ignoring));
        foreach (var pool in facility.Pools)
        {
            starts = Book.Free(starts, s => book.PoolBlocked(pool, c.Duration, s, ignoring));
        }

        return starts;
    }

    /// <summary>The starts of <paramref name="starts"/> the provider allows and is free at.</summary>
    public static MinuteSet FreeWith(Book book, RequestCandidates c, ProviderOption provider, MinuteSet starts, IReadOnlySet<string>? ignoring = null) =>
        Book.Free(starts.Intersect(provider.Starts), s => book.ProviderBlocked(provider.ProviderId, c.Duration, s, ignoring));

    /// <summary>The starts of <paramref name="starts"/> the room allows and has a place at, through the buffer.</summary>
    public static MinuteSet FreeIn(Book book, RequestCandidates c, RoomOption room, MinuteSet starts, IReadOnlySet<string>? ignoring = null) =>
        Book.Free(starts.Intersect(room.Starts), s => book.RoomBlocked(room, RoomMinutes(c), s, ignoring));

    /// <summary>Starts in <paramref name="window"/> at which the patient, the pools, the provider (if any) and some room of the facility (if it has rooms) are free.</summary>
    public static MinuteSet FreeStarts(Book book, RequestCandidates c, FacilityOption facility, ProviderOption? provider, MinuteSet window)
    {
        var starts = FreeOfPatientAndPools(book, c, facility, window);
        if (provider is not null)
        {
            starts = FreeWith(book, c, provider, starts);
        }

        return facility.Rooms.Count == 0 || starts.IsEmpty
            ? starts
            : MinuteSet.FromRanges(facility.Rooms.SelectMany(r => FreeIn(book, c, r, starts).Ranges));
    }

    /// <summary>The first of the facility's rooms with a place for the request at <paramref name="start"/>; null when none has.</summary>
    public static RoomOption? FreeRoom(Book book, RequestCandidates c, FacilityOption facility, long start) =>
        facility.Rooms.FirstOrDefault(r => !FreeIn(book, c, r, MinuteSet.Of(start, start + 1)).IsEmpty);

    /// <summary>
    /// What the book already holds where a placement would go: "provider", "room", "equipment" (with the pool's id) or
    /// "patient", the first found in that order; null when the placement fits.
    /// </summary>
    public static (string Kind, string Id)? Clash(Book book, RequestCandidates c, Placement p)
    {
        var at = MinuteSet.Of(p.Start, p.Start + 1);
        if (p.Provider is { } provider && !book.ProviderBlocked(provider.ProviderId, c.Duration, at).IsEmpty)
        {
            return ("provider", provider.ProviderId);
        }

        if (p.Room is { } room && !book.RoomBlocked(room, RoomMinutes(c), at).IsEmpty)
        {
            return ("room", room.RoomId);
        }

        if (p.Facility.Pools.FirstOrDefault(pool => !book.PoolBlocked(pool, c.Duration, at).IsEmpty) is { } full)
        {
            return ("equipment", full.PoolId);
        }

        return book.PatientBlocked(c.Request.PatientId, c.Duration, at).IsEmpty ? null : ("patient", c.Request.PatientId);
    }

    /// <summary>Whether a placement fits what the book already holds.</summary>
    public static bool Fits(Book book, RequestCandidates c, Placement p) => Clash(book, c, p) is null;

    /// <summary>The rule in the CP-SAT model: no overlap for one-at-a-time resources, cumulative capacity for shared ones.</summary>
    /// <param name="model">The model, with every request's intervals.</param>
    /// <param name="around">Bookings held around the model, whose places in shared rooms and pools count too.</param>
    /// <param name="ignoring">Bookings of <paramref name="around"/> that the modelled requests replace.</param>
    public static void AddTo(ScheduleModel model, Book? around, IReadOnlySet<string> ignoring)
    {
        AddNoOverlap(model);
        AddSharedCapacity(model, around, ignoring);
    }

    /// <summary>Rule 6: no overlap per provider, per patient, and per room of capacity 1 counting the buffer.</summary>
    private static void AddNoOverlap(ScheduleModel model)
    {
        var oneAtATimeRooms = model.RoomIntervals.Where(r => model.RoomCapacity[r.Key] == 1).Select(r => r.Value);
        foreach (var intervals in model.ProviderIntervals.Values.Concat(oneAtATimeRooms).Concat(model.PatientIntervals.Values))
        {
            if (intervals.Count > 1)
            {
                model.Model.AddNoOverlap(intervals);
            }
        }
    }

    /// <summary>
    /// Rules 6 and 9 where places are shared: a room of capacity <c>c</c> holds at most <c>c</c> appointments at any
    /// minute (buffers included), a pool lends at most its count of units; bookings held around the model count too.
    /// </summary>
    private static void AddSharedCapacity(ScheduleModel model, Book? around, IReadOnlySet<string> ignoring)
    {
        var shared = model.RoomIntervals.Where(r => model.RoomCapacity[r.Key] > 1).Select(r => (Pool: false, r.Key, Capacity: model.RoomCapacity[r.Key], Intervals: r.Value))
            .Concat(model.PoolIntervals.Select(p => (Pool: true, p.Key, Capacity: model.PoolCount[p.Key], Intervals: p.Value)));
        foreach (var (pool, id, capacity, intervals) in shared)
        {
            var held = around is null ? [] : Held(model, around, pool, id, ignoring);
            if (intervals.Count + held.Count <= capacity)
            {
                continue;
            }

            var cumulative = model.Model.AddCumulative(capacity);
            foreach (var interval in intervals.Concat(held))
            {
                cumulative.AddDemand(interval, 1);
            }
        }
    }

    /// <summary>Fixed intervals for the bookings of <paramref name="around"/> on a room or pool within reach of the modelled requests' starts.</summary>
    private static List<IntervalVar> Held(ScheduleModel model, Book around, bool pool, string id, IReadOnlySet<string> ignoring)
    {
        var users = model.Requests.Values.Where(v => pool
            ? v.Candidates.Facilities.Any(f => f.Pools.Any(p => p.PoolId == id))
            : v.Candidates.Facilities.Any(f => f.Rooms.Any(r => r.RoomId == id))).ToList();
        var from = users.Min(v => v.Candidates.AllStarts.Ranges[0].Start);
        var to = users.Max(v => v.Candidates.AllStarts.Ranges[^1].End + v.Candidates.Duration + v.Candidates.Type.BufferMinutes);
        return [.. around.Occupying(pool, id, from, to, ignoring)
            .Select((b, i) => model.Model.NewFixedSizeIntervalVar(b.Start, b.End - b.Start, $"held[{id},{i}]"))];
    }
}
