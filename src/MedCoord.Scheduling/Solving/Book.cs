using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>One request placed: its facility, provider and room options, and its start minute.</summary>
internal sealed record Placement(FacilityOption Facility, ProviderOption? Provider, RoomOption? Room, long Start);

/// <summary>
/// A set of placements with the time each provider, room and patient is taken: what a heuristic or a neighbourhood
/// sub-solve must keep clear of.
/// </summary>
internal sealed class Book
{
    private readonly Dictionary<string, List<Taken>> _providers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Taken>> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Taken>> _patients = new(StringComparer.Ordinal);

    public Dictionary<string, Placement> Placements { get; } = new(StringComparer.Ordinal);

    public void Add(RequestCandidates c, Placement p)
    {
        var id = c.Request.Id;
        Placements.Add(id, p);
        Insert(_patients, c.Request.PatientId, new(p.Start, p.Start + c.Duration, id));
        if (p.Provider is not null)
        {
            Insert(_providers, p.Provider.ProviderId, new(p.Start, p.Start + c.Duration, id));
        }

        if (p.Room is not null)
        {
            Insert(_rooms, p.Room.RoomId, new(p.Start, p.Start + c.Duration + c.Type.BufferMinutes, id));
        }
    }

    public void Remove(RequestCandidates c)
    {
        var id = c.Request.Id;
        if (!Placements.Remove(id, out var p))
        {
            return;
        }

        Of(_patients, c.Request.PatientId).RemoveAll(t => t.RequestId == id);
        if (p.Provider is not null)
        {
            Of(_providers, p.Provider.ProviderId).RemoveAll(t => t.RequestId == id);
        }

        if (p.Room is not null)
        {
            Of(_rooms, p.Room.RoomId).RemoveAll(t => t.RequestId == id);
        }
    }

    /// <summary>Starts inside <paramref name="within"/> at which the provider is busy for a booking of <paramref name="length"/> minutes.</summary>
    public MinuteSet ProviderBlocked(string providerId, long length, MinuteSet within, IReadOnlySet<string>? ignoring = null) =>
        Blocked(_providers, providerId, length, within, ignoring);

    /// <summary>Starts inside <paramref name="within"/> at which the room is busy for a booking occupying it <paramref name="length"/> minutes.</summary>
    public MinuteSet RoomBlocked(string roomId, long length, MinuteSet within, IReadOnlySet<string>? ignoring = null) =>
        Blocked(_rooms, roomId, length, within, ignoring);

    /// <summary>Starts inside <paramref name="within"/> at which the patient is busy for an appointment of <paramref name="length"/> minutes.</summary>
    public MinuteSet PatientBlocked(string patientId, long length, MinuteSet within, IReadOnlySet<string>? ignoring = null) =>
        Blocked(_patients, patientId, length, within, ignoring);

    /// <summary>The starts left once <paramref name="blocked"/> (asked about these starts only) is taken away.</summary>
    public static MinuteSet Free(MinuteSet starts, Func<MinuteSet, MinuteSet> blocked) =>
        starts.IsEmpty ? starts : starts.Subtract(blocked(starts));

    /// <summary>
    /// Only bookings that reach into the span of <paramref name="within"/> can block a start there. Each list is
    /// sorted by start and its bookings never overlap one another (the book obeys rule 6), so ends are sorted too.
    /// </summary>
    private static MinuteSet Blocked(Dictionary<string, List<Taken>> map, string key, long length, MinuteSet within, IReadOnlySet<string>? ignoring)
    {
        if (within.IsEmpty || !map.TryGetValue(key, out var list))
        {
            return MinuteSet.Empty;
        }

        var (first, last) = (within.Ranges[0].Start, within.Ranges[^1].End);
        var (low, high) = (0, list.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = list[middle].End > first ? (low, middle) : (middle + 1, high);
        }

        var blocked = new List<(long Start, long End)>();
        for (var i = low; i < list.Count && list[i].Start - length + 1 < last; i++)
        {
            if (ignoring is null || !ignoring.Contains(list[i].RequestId))
            {
                blocked.Add((list[i].Start - length + 1, list[i].End));
            }
        }

        return blocked.Count == 0 ? MinuteSet.Empty : MinuteSet.FromRanges(blocked);
    }

    private static void Insert(Dictionary<string, List<Taken>> map, string key, Taken taken)
    {
        var list = Of(map, key);
        var index = list.FindLastIndex(t => t.Start <= taken.Start) + 1;
        list.Insert(index, taken);
    }

    private static List<Taken> Of(Dictionary<string, List<Taken>> map, string key) =>
        map.TryGetValue(key, out var list) ? list : map[key] = [];

    private readonly record struct Taken(long Start, long End, string RequestId);
}
