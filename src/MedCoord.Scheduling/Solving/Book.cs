using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>
/// One booked appointment in minutes from the horizon's start; the room is taken until <paramref name="RoomEnd"/> (its
/// buffer), and one unit of each of <paramref name="Pools"/> (equipment) until <paramref name="End"/>.
/// </summary>
internal readonly record struct Booking(string RequestId, string PatientId, string? ProviderId, string? RoomId, long Start, long End, long RoomEnd, IReadOnlyList<string>? Pools = null)
{
    public IReadOnlyList<string> PoolIds => Pools ?? [];

    /// <summary>The booking of a request at a start with a provider and room of one of its facility options.</summary>
    public static Booking Of(RequestCandidates c, FacilityOption facility, string? providerId, string? roomId, long start) =>
        new(c.Request.Id, c.Request.PatientId, providerId, roomId, start, start + c.Duration, start + c.Duration + c.Type.BufferMinutes,
            facility.Pools.Count == 0 ? null : [.. facility.Pools.Select(u => u.PoolId)]);
}

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
    private readonly Dictionary<string, List<Taken>> _pools = new(StringComparer.Ordinal);

    /// <summary>The longest time any one booking takes a room or a pool: how far back a booking can reach, where bookings may overlap.</summary>
    private long _longest;

    /// <summary>Gets where the solver placed each request it booked (in terms of its candidate options).</summary>
    public Dictionary<string, Placement> Placements { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets every booked appointment, by request id, including those read from a file.</summary>
    public Dictionary<string, Booking> Bookings { get; } = new(StringComparer.Ordinal);

    public void Add(RequestCandidates c, Placement p)
    {
        Placements.Add(c.Request.Id, p);
        Add(Booking.Of(c, p.Facility, p.Provider?.ProviderId, p.Room?.RoomId, p.Start));
    }

    public void Add(Booking b)
    {
        Bookings.Add(b.RequestId, b);
        Insert(_patients, b.PatientId, new(b.Start, b.End, b.RequestId));
        if (b.ProviderId is not null)
        {
            Insert(_providers, b.ProviderId, new(b.Start, b.End, b.RequestId));
        }

        if (b.RoomId is not null)
        {
            Insert(_rooms, b.RoomId, new(b.Start, b.RoomEnd, b.RequestId));
        }

        foreach (var pool in b.PoolIds)
        {
            Insert(_pools, pool, new(b.Start, b.End, b.RequestId));
        }

        _longest = Math.Max(_longest, b.RoomEnd - b.Start);
    }

    public void Remove(string requestId)
    {
        Placements.Remove(requestId);
        if (!Bookings.Remove(requestId, out var b))
        {
            return;
        }

        Of(_patients, b.PatientId).RemoveAll(t => t.RequestId == requestId);
        if (b.ProviderId is not null)
        {
            Of(_providers, b.ProviderId).RemoveAll(t => t.RequestId == requestId);
        }

        if (b.RoomId is not null)
        {
            Of(_rooms, b.RoomId).RemoveAll(t => t.RequestId == requestId);
        }

        foreach (var pool in b.PoolIds)
        {
            Of(_pools, pool).RemoveAll(t => t.RequestId == requestId);
        }
    }

    /// <summary>
    /// The request's options cut down to what the rest of the book leaves free: its patient's, providers' and rooms'
    /// other bookings, and the gaps after booked predecessors. Bookings of requests in <paramref name="ignoring"/> are
    /// treated as gone, and links to them are kept for the caller to model. Starts may be limited further to
    /// <paramref name="within"/>. Null when nothing is left.
    /// </summary>
    public RequestCandidates? Restrict(RequestCandidates c, IReadOnlySet<string> ignoring, MinuteSet? within = null)
    {
        var kept = c.Request.After.Where(l => !ignoring.Contains(l.RequestId)).ToList();
        if (kept.Any(l => !Bookings.ContainsKey(l.RequestId)))
        {
            return null;
        }

        var window = (within ?? MinuteSet.All).Intersect(LinkRule.Window(kept, Bookings));

        var options = new List<FacilityOption>();
        foreach (var facility in c.Facilities)
        {
            var starts = ResourceRule.FreeOfPatientAndPools(this, c, facility, facility.Starts.Intersect(window), ignoring);

            if (starts.IsEmpty)
            {
                continue;
            }

            var providers = facility.Providers
                .Select(p => p with { Starts = ResourceRule.FreeWith(this, c, p, starts, ignoring) })
                .Where(p => !p.Starts.IsEmpty).ToList();
            var rooms = facility.Rooms
                .Select(r => r with { Starts = ResourceRule.FreeIn(this, c, r, starts, ignoring) })
                .Where(r => !r.Starts.IsEmpty).ToList();
            if (c.Type.BooksProvider)
            {
                starts = starts.Intersect(MinuteSet.FromRanges(providers.SelectMany(p => p.Starts.Ranges)));
            }

            if (c.Type.BooksRoom)
            {
                starts = starts.Intersect(MinuteSet.FromRanges(rooms.SelectMany(r => r.Starts.Ranges)));
            }

            if (starts.IsEmpty)
            {
                continue;
            }

            options.Add(facility with
            {
                Starts = starts,
                Providers = [.. providers.Select(p => p with { Starts = p.Starts.Intersect(starts) }).Where(p => !p.Starts.IsEmpty)],
                Rooms = [.. rooms.Select(r => r with { Starts = r.Starts.Intersect(starts) }).Where(r => !r.Starts.IsEmpty)],
                Days = [.. facility.Days.Where(d => !starts.Intersect(MinuteSet.Of(d.From, d.To)).IsEmpty)],
                Segments = [.. facility.Segments.Where(s => !starts.Intersect(MinuteSet.Of(s.From, s.To)).IsEmpty)],
            });
        }

        return options.Count == 0 ? null : new RequestCandidates
        {
            Index = c.Index,
            Request = c.Request with { After = [.. c.Request.After.Where(l => ignoring.Contains(l.RequestId))] },
            Type = c.Type,
            Duration = c.Duration,
            Facilities = options,
            Series = c.Series,
        };
    }

    /// <summary>Starts inside <paramref name="within"/> at which the provider is busy for a booking of <paramref name="length"/> minutes.</summary>
    public MinuteSet ProviderBlocked(string providerId, long length, MinuteSet within, IReadOnlySet<string>? ignoring = null) =>
        Blocked(_providers, providerId, length, within, ignoring);

    /// <summary>Starts inside <paramref name="within"/> at which the room is full for a booking occupying it <paramref name="length"/> minutes.</summary>
    public MinuteSet RoomBlocked(RoomOption room, long length, MinuteSet within, IReadOnlySet<string>? ignoring = null) =>
        room.Capacity == 1 ? Blocked(_rooms, room.RoomId, length, within, ignoring) : Full(_rooms, room.RoomId, room.Capacity, length, within, ignoring);

    /// <summary>Starts inside <paramref name="within"/> at which every unit of the pool is taken at some minute of <paramref name="length"/>.</summary>
    public MinuteSet PoolBlocked(PoolUse pool, long length, MinuteSet within, IReadOnlySet<string>? ignoring = null) =>
        Full(_pools, pool.PoolId, pool.Count, length, within, ignoring);

    /// <summary>Bookings of a room or pool (not in <paramref name="ignoring"/>) that overlap [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public IEnumerable<(long Start, long End)> Occupying(bool pool, string id, long from, long to, IReadOnlySet<string> ignoring) =>
        (pool ? _pools : _rooms).TryGetValue(id, out var list)
            ? list.Skip(FirstStartingFrom(list, from - _longest)).TakeWhile(t => t.Start < to)
                .Where(t => t.End > from && !ignoring.Contains(t.RequestId)).Select(t => (t.Start, t.End))
            : [];

    /// <summary>Starts inside <paramref name="within"/> at which the patient is busy for an appointment of <paramref name="length"/> minutes.</summary>
    public MinuteSet PatientBlocked(string patientId, long length, MinuteSet within, IReadOnlySet<string>? ignoring = null) =>
        Blocked(_patients, patientId, length, within, ignoring);

    /// <summary>Booked requests on a provider that would clash with an appointment of <paramref name="length"/> minutes starting at one of <paramref name="starts"/>.</summary>
    public IEnumerable<string> ProviderTakenBy(string providerId, long length, MinuteSet starts) => TakenBy(_providers, providerId, length, starts);

    /// <summary>Booked requests in a room that would clash with an occupation of <paramref name="length"/> minutes starting at one of <paramref name="starts"/>.</summary>
    public IEnumerable<string> RoomTakenBy(string roomId, long length, MinuteSet starts) => TakenBy(_rooms, roomId, length, starts);

    /// <summary>Booked requests holding units of the pool that an appointment of <paramref name="length"/> minutes starting at one of <paramref name="starts"/> would overlap.</summary>
    public IEnumerable<string> PoolTakenBy(string poolId, long length, MinuteSet starts) => TakenBy(_pools, poolId, length, starts);

    /// <summary>The patient's booked requests that would clash with an appointment of <paramref name="length"/> minutes starting at one of <paramref name="starts"/>.</summary>
    public IEnumerable<string> PatientTakenBy(string patientId, long length, MinuteSet starts) => TakenBy(_patients, patientId, length, starts);

    private static IEnumerable<string> TakenBy(Dictionary<string, List<Taken>> map, string key, long length, MinuteSet starts) =>
        starts.IsEmpty || !map.TryGetValue(key, out var list)
            ? []
            : list.Where(t => starts.Overlaps(t.Start - length + 1, t.End)).Select(t => t.RequestId);

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

        return blocked.Count == 0 ? MinuteSet.Empty : MinuteSet.FromRanges(blocked).Intersect(within);
    }

    /// <summary>
    /// Where bookings may overlap (a room holding several, a pool of several units): the starts at which some minute of
    /// <paramref name="length"/> finds <paramref name="capacity"/> bookings already there. Only bookings that start at
    /// most the longest booking before the span of <paramref name="within"/> can reach into it.
    /// </summary>
    private MinuteSet Full(Dictionary<string, List<Taken>> map, string key, int capacity, long length, MinuteSet within, IReadOnlySet<string>? ignoring)
    {
        if (within.IsEmpty || !map.TryGetValue(key, out var list) || list.Count < capacity)
        {
            return MinuteSet.Empty;
        }

        var (first, last) = (within.Ranges[0].Start, within.Ranges[^1].End + length);
        var events = new List<(long At, int Change)>();
        for (var i = FirstStartingFrom(list, first - _longest); i < list.Count && list[i].Start < last; i++)
        {
            if (list[i].End > first && (ignoring is null || !ignoring.Contains(list[i].RequestId)))
            {
                events.Add((list[i].Start, 1));
                events.Add((list[i].End, -1));
            }
        }

        // Ends sort before starts at the same minute: a booking ending at 10:00 frees its place for one starting then.
        events.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Change.CompareTo(b.Change));
        var blocked = new List<(long Start, long End)>();
        var (count, fullFrom) = (0, 0L);
        foreach (var (at, change) in events)
        {
            count += change;
            if (change > 0 && count == capacity)
            {
                fullFrom = at;
            }
            else if (change < 0 && count == capacity - 1)
            {
                blocked.Add((fullFrom - length + 1, at));
            }
        }

        // Bookings up to a length past the span count, so a full stretch can lie beyond it: only starts inside it are asked about.
        return blocked.Count == 0 ? MinuteSet.Empty : MinuteSet.FromRanges(blocked).Intersect(within);
    }

    /// <summary>The index of the first booking in a list sorted by start that starts at or after <paramref name="from"/>.</summary>
    private static int FirstStartingFrom(List<Taken> list, long from)
    {
        var (low, high) = (0, list.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = list[middle].Start >= from ? (low, middle) : (middle + 1, high);
        }

        return low;
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
