using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using NodaTime;

namespace MedCoord.Scheduling.Verification;

/// <summary>
/// An independent placement oracle: can a request, together with what must be booked with it (its unbooked
/// predecessors, its series and their predecessors), be added to a book without moving anything, or be booked on an
/// empty calendar? It works on minutes from the format's wall-clock rules (<see cref="WallClock"/>), indexes the book by
/// provider, patient, room and equipment pool, and computes each candidate's free starts as sets of minute intervals, so
/// one request with one candidate costs a few interval intersections. Patient hours count on every patient-local date
/// that overlaps the horizon's facility-local dates. Requests booked together are searched depth first over a bounded
/// set of starts (each free stretch's first and last minute and every 30 minutes in between); a search that runs out of
/// its budget says "not found" and is counted in <see cref="Undecided"/>. Not thread-safe: one instance per thread.
/// </summary>
public sealed class PlacementSearch
{
    private const int NodeBudget = 20_000;
    private const int CandidateStep = 30;

    private readonly Problem _problem;
    private readonly Dictionary<string, AppointmentRequest> _requests;
    private readonly Dictionary<string, AppointmentType> _types;
    private readonly Dictionary<string, Facility> _facilities;
    private readonly Dictionary<string, Patient> _patients;
    private readonly Dictionary<string, Room> _rooms;
    private readonly Dictionary<string, RequestSeries> _seriesOf = [];
    private readonly Dictionary<string, List<Span>> _open = [];
    private readonly Dictionary<(string Provider, string Facility), List<Span>> _providerHours = [];
    private readonly Dictionary<string, List<Span>?> _patientHours = [];
    private readonly Dictionary<string, List<Combo>> _combos = [];
    private int _nodes;

    public PlacementSearch(Problem problem)
    {
        _problem = problem;
        _requests = problem.Requests.ToDictionary(r => r.Id);
        _types = problem.AppointmentTypes.ToDictionary(t => t.Id);
        _facilities = problem.Facilities.ToDictionary(f => f.Id);
        _patients = problem.Patients.ToDictionary(p => p.Id);
        _rooms = problem.Rooms.ToDictionary(r => r.Id);
        foreach (var series in problem.Series)
        {
            foreach (var id in series.RequestIds)
            {
                _seriesOf[id] = series;
            }
        }

        var clock = new WallClock(problem);
        var allDay = new WeeklyHours([.. Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None)], LocalTime.Midnight, LocalTime.Midnight);
        foreach (var f in problem.Facilities)
        {
            _open[f.Id] = Spans(clock.Blocks(f.Zone, f.Hours ?? [allDay]));
        }

        foreach (var p in problem.Providers)
        {
            foreach (var group in p.Availability.GroupBy(a => a.FacilityId))
            {
                _providerHours[(p.Id, group.Key)] = Spans(clock.Blocks(_facilities[group.Key].Zone, group.Select(a => a.Hours)));
            }
        }

        foreach (var p in problem.Patients)
        {
            _patientHours[p.Id] = p.Hours is null || p.Zone is null ? null : Spans(clock.PatientBlocks(p.Zone, p.Hours));
        }
    }

    /// <summary>Searches that stopped at their budget without an answer (each counted as "not found").</summary>
    public int Undecided { get; private set; }

    /// <summary>
    /// Placements that book <paramref name="requestId"/> with its unbooked predecessors and series on an otherwise empty
    /// calendar (fixed bookings among them stay where they are fixed); null when none was found.
    /// </summary>
    public IReadOnlyList<Assignment>? FitAlone(string requestId)
    {
        var group = Group(requestId, booked: []);
        var fixedHere = _problem.Fixed.Where(f => group.Contains(f.RequestId)).ToDictionary(f => f.RequestId);
        var book = new List<Assignment>();
        foreach (var f in fixedHere.Values)
        {
            if (FixedAssignment(f) is not { } a)
            {
                return null;
            }

            book.Add(a);
        }

        var placed = Search(book, [.. group.Where(id => !fixedHere.ContainsKey(id))]);
        return placed;
    }

    /// <summary>
    /// Placements that add <paramref name="requestId"/> (with its unbooked predecessors and series) to
    /// <paramref name="book"/> without moving any booking; null when none was found.
    /// </summary>
    public IReadOnlyList<Assignment>? Insert(IReadOnlyList<Assignment> book, string requestId)
    {
        var booked = book.Select(a => a.RequestId).ToHashSet();
        if (booked.Contains(requestId))
        {
            return [];
        }

        return Search(book, Group(requestId, booked));
    }

    /// <summary>The request, its unbooked predecessors and every visit of a series among them, transitively.</summary>
    private List<string> Group(string requestId, HashSet<string> booked)
    {
        var group = new HashSet<string>();
        var pending = new Stack<string>([requestId]);
        while (pending.TryPop(out var id))
        {
            if (booked.Contains(id) || !group.Add(id))
            {
                continue;
            }

            foreach (var link in _requests[id].After)
            {
                pending.Push(link.RequestId);
            }

            if (_seriesOf.TryGetValue(id, out var series))
            {
                foreach (var visit in series.RequestIds)
                {
                    pending.Push(visit);
                }
            }
        }

        // Predecessors before successors; a series' first visit before its other visits.
        var order = new List<string>();
        var state = new Dictionary<string, int>();
        void Visit(string id)
        {
            if (state.GetValueOrDefault(id) != 0)
            {
                return;
            }

            state[id] = 1;
            foreach (var before in Before(id).Where(group.Contains))
            {
                if (state.GetValueOrDefault(before) != 1)
                {
                    Visit(before);
                }
            }

            state[id] = 2;
            order.Add(id);
        }

        foreach (var id in group.Order(StringComparer.Ordinal))
        {
            Visit(id);
        }

        return order;
    }

    private IEnumerable<string> Before(string id)
    {
        foreach (var link in _requests[id].After)
        {
            yield return link.RequestId;
        }

        if (_seriesOf.TryGetValue(id, out var series) && series.RequestIds[0] != id)
        {
            yield return series.RequestIds[0];
        }
    }

    private List<Assignment>? Search(IReadOnlyList<Assignment> book, List<string> toPlace)
    {
        var index = new Occupancy(this, book);
        var placed = new Dictionary<string, Assignment>();
        _nodes = 0;
        var result = Place(0);
        if (result is null && _nodes >= NodeBudget)
        {
            Undecided++;
        }

        return result;

        List<Assignment>? Place(int k)
        {
            if (k == toPlace.Count)
            {
                return [.. toPlace.Select(id => placed[id])];
            }

            var id = toPlace[k];
            var request = _requests[id];
            var needsChoice = k + 1 < toPlace.Count;
            foreach (var candidate in Candidates(request, index, book, placed, needsChoice))
            {
                if (++_nodes > NodeBudget)
                {
                    return null;
                }

                placed[id] = candidate;
                index.Add(candidate);
                var rest = Place(k + 1);
                index.Remove(candidate);
                if (rest is not null)
                {
                    return rest;
                }

                placed.Remove(id);
                if (!needsChoice)
                {
                    break;
                }
            }

            return null;
        }
    }

    /// <summary>Assignments for a request against the current occupancy, first free start of each stretch first.</summary>
    private IEnumerable<Assignment> Candidates(AppointmentRequest request, Occupancy index, IReadOnlyList<Assignment> book, Dictionary<string, Assignment> placed, bool several)
    {
        var type = _types[request.TypeId];
        var duration = request.DurationMinutes ?? type.DurationMinutes;
        Assignment? Known(string id) => placed.GetValueOrDefault(id) ?? book.FirstOrDefault(a => a.RequestId == id);

        // Links to booked or placed predecessors bound the start.
        var lower = long.MinValue;
        var upper = long.MaxValue;
        foreach (var link in request.After)
        {
            if (Known(link.RequestId) is not { } previous)
            {
                yield break;
            }

            var end = Minutes(previous.End.ToInstant());
            lower = Math.Max(lower, end + link.MinGapMinutes);
            if (link.MaxGapMinutes is { } max)
            {
                upper = Math.Min(upper, end + max + 1);
            }
        }

        if (lower >= upper)
        {
            yield break;
        }

        _seriesOf.TryGetValue(request.Id, out var series);
        var first = series is not null && series.RequestIds[0] != request.Id ? Known(series.RequestIds[0]) : null;
        var sameProvider = series is { SameProvider: true }
            ? series.RequestIds.Select(Known).OfType<Assignment>().Select(a => a.ProviderId).OfType<string>().FirstOrDefault()
            : null;

        foreach (var combo in CombosFor(request, type))
        {
            if (sameProvider is not null && combo.Provider is not null && combo.Provider != sameProvider)
            {
                continue;
            }

            var zone = _facilities[combo.Facility].Zone;
            var window = Window(request, zone);
            window = Intersect(window, [new Span(lower, upper)]);
            if (first is not null)
            {
                window = Intersect(window, SeriesWindow(series!, request.Id, first, zone));
            }

            var starts = FreeStarts(request, type, duration, combo, window, index);
            foreach (var start in Points(starts, several))
            {
                var s = Instant.FromUnixTimeSeconds(start * 60);
                var e = s + Duration.FromMinutes(duration);
                yield return new Assignment(request.Id, request.PatientId, combo.Provider, combo.Room, combo.Facility, s.InZone(zone).ToOffsetDateTime(), e.InZone(zone).ToOffsetDateTime());
                if (!several)
                {
                    yield break;
                }
            }
        }
    }

    private static IEnumerable<long> Points(List<Span> starts, bool several)
    {
        foreach (var span in starts)
        {
            yield return span.From;
            if (!several)
            {
                continue;
            }

            for (var m = span.From + CandidateStep; m < span.To - 1; m += CandidateStep)
            {
                yield return m;
            }

            if (span.To - 1 > span.From)
            {
                yield return span.To - 1;
            }
        }
    }

    /// <summary>Starts whose local date in the facility zone lies within the request's window clipped to the horizon.</summary>
    private List<Span> Window(AppointmentRequest request, DateTimeZone zone)
    {
        var earliest = Max(request.Earliest ?? _problem.Horizon.Start, _problem.Horizon.Start);
        var latest = Min(request.Latest ?? _problem.Horizon.End, _problem.Horizon.End);
        return earliest > latest
            ? []
            : [new Span(Minutes(zone.AtStartOfDay(earliest).ToInstant()), Minutes(zone.AtStartOfDay(latest.PlusDays(1)).ToInstant()))];
    }

    /// <summary>Starts at the series' cadence: the first visit's local date plus k intervals, within the tolerance of its time of day.</summary>
    private List<Span> SeriesWindow(RequestSeries series, string requestId, Assignment first, DateTimeZone zone)
    {
        var k = series.RequestIds.ToList().IndexOf(requestId);
        var firstLocal = first.Start.ToInstant().InZone(_facilities[first.FacilityId].Zone).LocalDateTime;
        var date = firstLocal.Date.PlusDays(k * series.IntervalDays);
        var at = firstLocal.TimeOfDay;
        var fromMinute = Math.Max(0, (at.TickOfDay / NodaConstants.TicksPerMinute) - series.ToleranceMinutes);
        var toMinute = (at.TickOfDay / NodaConstants.TicksPerMinute) + series.ToleranceMinutes;
        var from = Minutes(zone.AtLeniently(date.At(LocalTime.FromMinutesSinceMidnight((int)fromMinute))).ToInstant());
        var dayEnd = Minutes(zone.AtStartOfDay(date.PlusDays(1)).ToInstant());
        var to = toMinute >= 1440 ? dayEnd : Math.Min(dayEnd, Minutes(zone.AtLeniently(date.At(LocalTime.FromMinutesSinceMidnight((int)toMinute))).ToInstant()) + 1);
        return from < to ? [new Span(from, to)] : [];
    }

    /// <summary>Starts of a request with one facility, provider and room that keep every hard rule against the occupancy.</summary>
    private List<Span> FreeStarts(AppointmentRequest request, AppointmentType type, int duration, Combo combo, List<Span> window, Occupancy index)
    {
        var starts = Intersect(window, Fit(_open[combo.Facility], duration));
        if (starts.Count == 0)
        {
            return starts;
        }

        if (combo.Provider is not null)
        {
            starts = Intersect(starts, Fit(_providerHours.GetValueOrDefault((combo.Provider, combo.Facility)) ?? [], duration));
        }

        if (_patientHours[request.PatientId] is { } hours)
        {
            starts = Intersect(starts, Fit(hours, duration));
        }

        if (starts.Count == 0)
        {
            return starts;
        }

        var patient = _patients[request.PatientId];
        var blocked = new List<Span>();
        Block(blocked, patient.Unavailable.Select(Span.Of), duration);
        Block(blocked, index.Busy(index.Patients, request.PatientId), duration);
        if (combo.Provider is not null)
        {
            Block(blocked, combo.ProviderTimeOff, duration);
            Block(blocked, index.Busy(index.Providers, combo.Provider), duration);
        }

        if (combo.Room is not null)
        {
            var room = _rooms[combo.Room];
            Block(blocked, room.Unavailable.Select(Span.Of), duration);
            Block(blocked, Full(index.Busy(index.Rooms, room.Id), room.Capacity), duration + type.BufferMinutes);
        }

        foreach (var pool in combo.Pools)
        {
            Block(blocked, Full(index.Busy(index.Pools, pool.Id), pool.Count), duration);
        }

        return Subtract(starts, Normalize(blocked));
    }

    /// <summary>Adds the starts at which an occupation of <paramref name="length"/> minutes meets one of <paramref name="busy"/>.</summary>
    private static void Block(List<Span> blocked, IEnumerable<Span> busy, int length)
    {
        foreach (var b in busy)
        {
            blocked.Add(new Span(b.From - length + 1, b.To));
        }
    }

    /// <summary>The minutes at which a place of <paramref name="capacity"/> is full.</summary>
    private static IEnumerable<Span> Full(List<Span> uses, int capacity)
    {
        if (capacity <= 1)
        {
            return uses;
        }

        var events = uses.SelectMany(u => new[] { (At: u.From, Delta: 1), (At: u.To, Delta: -1) }).OrderBy(e => e.At).ThenBy(e => e.Delta).ToList();
        var full = new List<Span>();
        var count = 0;
        long? since = null;
        foreach (var (at, delta) in events)
        {
            count += delta;
            if (count >= capacity && since is null)
            {
                since = at;
            }
            else if (count < capacity && since is { } s)
            {
                if (at > s)
                {
                    full.Add(new Span(s, at));
                }

                since = null;
            }
        }

        return full;
    }

    /// <summary>Starts at which <paramref name="duration"/> minutes lie inside one block.</summary>
    private static List<Span> Fit(List<Span> blocks, int duration) =>
        [.. blocks.Where(b => b.To - b.From >= duration).Select(b => new Span(b.From, b.To - duration + 1))];

    private List<Combo> CombosFor(AppointmentRequest request, AppointmentType type)
    {
        if (_combos.TryGetValue(type.Id, out var cached))
        {
            return cached;
        }

        var list = new List<Combo>();
        var providers = type.ProviderSkill is null ? [null] : _problem.Providers.Where(p => p.Skills.Contains(type.ProviderSkill)).ToList<Provider?>();
        var rooms = type.RoomFeatures.Count == 0 ? [null] : _problem.Rooms.Where(r => type.RoomFeatures.All(r.Features.Contains)).ToList<Room?>();
        foreach (var provider in providers)
        {
            foreach (var room in rooms)
            {
                var facilities = room is not null ? [room.FacilityId] : provider!.Availability.Select(a => a.FacilityId).Distinct().ToList();
                foreach (var facility in facilities)
                {
                    if (provider is not null && !provider.Availability.Any(a => a.FacilityId == facility))
                    {
                        continue;
                    }

                    var pools = type.Equipment.Select(k => _problem.Equipment.FirstOrDefault(e => e.FacilityId == facility && e.Kind == k)).ToList();
                    if (pools.Any(p => p is null))
                    {
                        continue;
                    }

                    list.Add(new Combo(facility, provider?.Id, room?.Id, [.. pools.OfType<EquipmentPool>()], [.. (provider?.TimeOff ?? []).Select(Span.Of)]));
                }
            }
        }

        return _combos[type.Id] = list;
    }

    /// <summary>A fixed booking as an assignment, its facility found as the format states; null when none is found.</summary>
    private Assignment? FixedAssignment(FixedBooking f)
    {
        var r = _requests[f.RequestId];
        var type = _types[r.TypeId];
        var end = f.Start + Duration.FromMinutes(r.DurationMinutes ?? type.DurationMinutes);
        bool Inside(List<Span> blocks) => blocks.Any(b => b.From <= Minutes(f.Start) && Minutes(end) <= b.To);
        var facility = f.FacilityId
            ?? (f.RoomId is not null ? _rooms[f.RoomId].FacilityId : null)
            ?? _problem.Providers.First(p => p.Id == f.ProviderId).Availability.Select(a => a.FacilityId).Distinct()
                .FirstOrDefault(x => Inside(_providerHours[(f.ProviderId!, x)]) && Inside(_open[x])
                    && type.Equipment.All(k => _problem.Equipment.Any(e => e.FacilityId == x && e.Kind == k)));
        if (facility is null)
        {
            return null;
        }

        var zone = _facilities[facility].Zone;
        return new Assignment(r.Id, r.PatientId, f.ProviderId, f.RoomId, facility, f.Start.InZone(zone).ToOffsetDateTime(), end.InZone(zone).ToOffsetDateTime());
    }

    private static long Minutes(Instant instant) => (long)Math.Floor(instant.ToUnixTimeTicks() / (double)NodaConstants.TicksPerMinute);

    private static long MinutesUp(Instant instant) => (long)Math.Ceiling(instant.ToUnixTimeTicks() / (double)NodaConstants.TicksPerMinute);

    private static List<Span> Spans(List<(Instant From, Instant To)> blocks) =>
        [.. blocks.Select(b => new Span(MinutesUp(b.From), Minutes(b.To))).Where(s => s.From < s.To)];

    private static List<Span> Normalize(List<Span> spans)
    {
        spans.Sort((a, b) => a.From.CompareTo(b.From));
        var merged = new List<Span>();
        foreach (var s in spans)
        {
            if (merged.Count > 0 && s.From <= merged[^1].To)
            {
                merged[^1] = new Span(merged[^1].From, Math.Max(merged[^1].To, s.To));
            }
            else if (s.From < s.To)
            {
                merged.Add(s);
            }
        }

        return merged;
    }

    private static List<Span> Intersect(List<Span> a, List<Span> b)
    {
        var result = new List<Span>();
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            var from = Math.Max(a[i].From, b[j].From);
            var to = Math.Min(a[i].To, b[j].To);
            if (from < to)
            {
                result.Add(new Span(from, to));
            }

            if (a[i].To < b[j].To)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return result;
    }

    private static List<Span> Subtract(List<Span> a, List<Span> remove)
    {
        var result = new List<Span>();
        var j = 0;
        foreach (var span in a)
        {
            var from = span.From;
            while (j < remove.Count && remove[j].To <= from)
            {
                j++;
            }

            var k = j;
            while (k < remove.Count && remove[k].From < span.To)
            {
                if (remove[k].From > from)
                {
                    result.Add(new Span(from, remove[k].From));
                }

                from = Math.Max(from, remove[k].To);
                k++;
            }

            if (from < span.To)
            {
                result.Add(new Span(from, span.To));
            }
        }

        return result;
    }

    private static LocalDate Max(LocalDate a, LocalDate b) => a > b ? a : b;

    private static LocalDate Min(LocalDate a, LocalDate b) => a < b ? a : b;

    /// <summary>Minutes [From, To) since the Unix epoch.</summary>
    private readonly record struct Span(long From, long To)
    {
        public static Span Of(Interval interval) => new(Minutes(interval.Start), MinutesUp(interval.End));
    }

    private sealed record Combo(string Facility, string? Provider, string? Room, IReadOnlyList<EquipmentPool> Pools, IReadOnlyList<Span> ProviderTimeOff);

    /// <summary>The book by provider, patient, room (with buffers) and equipment pool.</summary>
    private sealed class Occupancy
    {
        private readonly PlacementSearch _search;

        public Occupancy(PlacementSearch search, IReadOnlyList<Assignment> book)
        {
            _search = search;
            foreach (var a in book)
            {
                if (search._requests.ContainsKey(a.RequestId))
                {
                    Add(a);
                }
            }
        }

        public Dictionary<string, List<Span>> Providers { get; } = [];

        public Dictionary<string, List<Span>> Patients { get; } = [];

        public Dictionary<string, List<Span>> Rooms { get; } = [];

        public Dictionary<string, List<Span>> Pools { get; } = [];

        public List<Span> Busy(Dictionary<string, List<Span>> map, string key) => map.TryGetValue(key, out var list) ? list : map[key] = [];

        public void Add(Assignment a) => Change(a, (list, span) => list.Add(span));

        public void Remove(Assignment a) => Change(a, (list, span) => list.Remove(span));

        private void Change(Assignment a, Action<List<Span>, Span> change)
        {
            var type = _search._types[_search._requests[a.RequestId].TypeId];
            var span = new Span(Minutes(a.Start.ToInstant()), MinutesUp(a.End.ToInstant()));
            change(Busy(Patients, a.PatientId), span);
            if (a.ProviderId is not null)
            {
                change(Busy(Providers, a.ProviderId), span);
            }

            if (a.RoomId is not null)
            {
                change(Busy(Rooms, a.RoomId), span with { To = span.To + type.BufferMinutes });
            }

            foreach (var kind in type.Equipment)
            {
                if (_search._problem.Equipment.FirstOrDefault(e => e.FacilityId == a.FacilityId && e.Kind == kind) is { } pool)
                {
                    change(Busy(Pools, pool.Id), span);
                }
            }
        }
    }
}
