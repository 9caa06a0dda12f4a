using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using NodaTime;

namespace MedCoord.Scheduling.Verification;

/// <summary>
/// The exact optimum of level 1 (total priority booked) for tiny problems, by enumerating every placement of every
/// request. Independent of the model builder: placements come from <see cref="WallClock"/> and the rules as the format
/// states them, and the best schedule found is checked by <see cref="ScheduleVerifier"/>.
/// </summary>
/// <remarks>
/// Starts are enumerated on a grid of G minutes from the Unix epoch, where G is the greatest common divisor of every
/// time the problem holds: local block times, the zones' UTC offsets over the horizon, durations, buffers, gaps,
/// series tolerances and absolute instants (time off, unavailable blocks, fixed starts). Every bound of every rule then
/// lies on the grid, and the rules are difference constraints between starts once the order of each pair and the block
/// of each start are chosen, so a schedule that exists at all exists with every start on the grid: the grid is exact.
/// Requests that share no possible provider, room, pool, patient, link or series are solved apart and their optima added.
/// </remarks>
public static class ExhaustiveSearch
{
    /// <summary>
    /// The highest total priority of a schedule of <paramref name="problem"/> that obeys every hard rule (fixed
    /// requests included), or <see langword="null"/> when the problem has more than <paramref name="maxRequests"/>
    /// requests, the search would take more than <paramref name="maxSteps"/> steps (nodes visited and placements
    /// checked against a decision; 5 million take a few seconds), an instant in it is not on a whole
    /// minute, or its fixed bookings admit no schedule.
    /// </summary>
    public static long? BestPriority(Problem problem, int maxRequests = 8, long maxSteps = 5_000_000) =>
        BestAssignments(problem, maxRequests, maxSteps) is { } best
            ? best.Sum(a => (long)problem.Requests.First(r => r.Id == a.RequestId).Priority)
            : null;

    /// <summary>
    /// A schedule's assignments reaching <see cref="BestPriority"/>, checked by <see cref="ScheduleVerifier"/>; null in
    /// the same cases.
    /// </summary>
    /// <exception cref="InvalidOperationException">The verifier rejects the best schedule found (the two disagree on a rule).</exception>
    public static IReadOnlyList<Assignment>? BestAssignments(Problem problem, int maxRequests = 8, long maxSteps = 5_000_000)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.Requests.Count > maxRequests)
        {
            return null;
        }

        var search = new Search(problem, maxSteps);
        var assignments = search.Run();
        if (assignments is null)
        {
            return null;
        }

        var booked = assignments.Select(a => a.RequestId).ToHashSet();
        var schedule = new Schedule(
            ScheduleStatus.Feasible,
            new ScheduleObjective(0, 0, 0),
            assignments,
            [.. problem.Requests.Where(r => !booked.Contains(r.Id)).Select(r => new UnscheduledRequest(r.Id, UnscheduledReason.CapacityTaken, "not booked"))],
            new SolveStats(0, 0, 0));
        var violations = ScheduleVerifier.Violations(problem, schedule);
        if (violations.Count > 0)
        {
            throw new InvalidOperationException("The exhaustive search built a schedule the verifier rejects: " + string.Join("; ", violations));
        }

        return assignments;
    }

    private sealed record Placement(Assignment Assignment, Instant Start, Instant End, Instant RoomEnd, IReadOnlyList<string> Pools, LocalDateTime Local);

    private sealed class Search
    {
        private readonly Problem _problem;
        private readonly long _maxSteps;
        private readonly Dictionary<string, AppointmentRequest> _requests;
        private readonly Dictionary<string, AppointmentType> _types;
        private readonly Dictionary<string, Room> _rooms;
        private readonly Dictionary<string, EquipmentPool> _pools;
        private readonly HashSet<string> _fixed;
        private long _steps;
        private Dictionary<string, List<Placement>> _candidates = [];
        private readonly Dictionary<(string, string), bool> _interact = [];

        public Search(Problem problem, long maxSteps)
        {
            _problem = problem;
            _maxSteps = maxSteps;
            _requests = problem.Requests.ToDictionary(r => r.Id);
            _types = problem.AppointmentTypes.ToDictionary(t => t.Id);
            _rooms = problem.Rooms.ToDictionary(r => r.Id);
            _pools = problem.Equipment.ToDictionary(p => p.Id);
            _fixed = problem.Fixed.Select(f => f.RequestId).ToHashSet();
        }

        public List<Assignment>? Run()
        {
            if (Grid() is not { } grid)
            {
                return null;
            }

            var clock = new WallClock(_problem);
            var candidates = _problem.Requests.ToDictionary(r => r.Id, r => Candidates(clock, r, grid));
            _candidates = candidates;
            var result = new List<Assignment>();
            foreach (var component in Components(candidates))
            {
                var best = Solve(component, candidates);
                if (best is null)
                {
                    return null;
                }

                result.AddRange(best);
            }

            return [.. result.OrderBy(a => a.Start.ToInstant()).ThenBy(a => a.RequestId, StringComparer.Ordinal)];
        }

        /// <summary>The grid step in minutes, or null when an instant is not on a whole minute.</summary>
        private long? Grid()
        {
            var values = new List<long> { 1440 };
            void Hours(IEnumerable<WeeklyHours> hours)
            {
                foreach (var h in hours)
                {
                    values.Add(h.From.Hour * 60 + h.From.Minute);
                    values.Add(h.To.Hour * 60 + h.To.Minute);
                    if (h.From.Second != 0 || h.To.Second != 0)
                    {
                        values.Add(0);
                        values.Add(1);
                    }
                }
            }

            var instants = new List<Instant>();
            foreach (var f in _problem.Facilities)
            {
                Hours(f.Hours ?? []);
            }

            foreach (var p in _problem.Providers)
            {
                Hours(p.Availability.Select(a => a.Hours));
                instants.AddRange(p.TimeOff.SelectMany(t => new[] { t.Start, t.End }));
            }

            foreach (var p in _problem.Patients)
            {
                Hours(p.Hours ?? []);
                instants.AddRange(p.Unavailable.SelectMany(t => new[] { t.Start, t.End }));
            }

            instants.AddRange(_problem.Rooms.SelectMany(r => r.Unavailable.SelectMany(t => new[] { t.Start, t.End })));
            instants.AddRange(_problem.Fixed.Select(f => f.Start));
            values.AddRange(_problem.AppointmentTypes.SelectMany(t => new long[] { t.DurationMinutes, t.BufferMinutes }));
            values.AddRange(_problem.Requests.Where(r => r.DurationMinutes is not null).Select(r => (long)r.DurationMinutes!.Value));
            values.AddRange(_problem.Requests.SelectMany(r => r.After).SelectMany(l => new long[] { l.MinGapMinutes, l.MaxGapMinutes ?? 0 }));
            values.AddRange(_problem.Series.Select(s => (long)s.ToleranceMinutes));

            var clock = new WallClock(_problem);
            var span = new Interval(clock.SpanStart - Duration.FromDays(3), clock.SpanEnd + Duration.FromDays(3));
            var zones = _problem.Facilities.Select(f => f.Zone).Concat(_problem.Patients.Where(p => p.Zone is not null).Select(p => p.Zone!)).Distinct();
            foreach (var zone in zones)
            {
                foreach (var interval in zone.GetZoneIntervals(span))
                {
                    if (interval.WallOffset.Seconds % 60 != 0)
                    {
                        return null;
                    }

                    values.Add(interval.WallOffset.Seconds / 60);
                }
            }

            foreach (var instant in instants)
            {
                var seconds = instant.ToUnixTimeTicks() / NodaConstants.TicksPerSecond;
                if (instant.ToUnixTimeTicks() % NodaConstants.TicksPerMinute != 0)
                {
                    return null;
                }

                values.Add(seconds / 60);
            }

            return values.Aggregate(0L, (g, v) => Gcd(g, Math.Abs(v)));
        }

        private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);

        /// <summary>Every placement of a request that obeys the rules about it alone, on the grid.</summary>
        private List<Placement> Candidates(WallClock clock, AppointmentRequest r, long grid)
        {
            var type = _types[r.TypeId];
            var duration = Duration.FromMinutes(r.DurationMinutes ?? type.DurationMinutes);
            var buffer = Duration.FromMinutes(type.BufferMinutes);
            var patient = _problem.Patients.First(p => p.Id == r.PatientId);
            var patientBlocks = patient.Hours is null ? null : clock.PatientBlocks(patient.Zone!, patient.Hours);
            var earliest = Max(r.Earliest ?? _problem.Horizon.Start, _problem.Horizon.Start);
            var latest = Min(r.Latest ?? _problem.Horizon.End, _problem.Horizon.End);
            var fixedBooking = _problem.Fixed.FirstOrDefault(f => f.RequestId == r.Id);
            var result = new List<Placement>();
            if (earliest > latest)
            {
                return result;
            }

            var providers = type.ProviderSkill is null
                ? [null]
                : _problem.Providers.Where(p => p.Skills.Contains(type.ProviderSkill)).Select(p => (Provider?)p).ToList();
            var rooms = type.RoomFeatures.Count == 0
                ? [null]
                : _problem.Rooms.Where(x => type.RoomFeatures.All(x.Features.Contains)).Select(x => (Room?)x).ToList();
            if (type.ProviderSkill is null && type.RoomFeatures.Count == 0)
            {
                return result;
            }

            var allDay = new WeeklyHours([.. Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None)], LocalTime.Midnight, LocalTime.Midnight);
            foreach (var facility in _problem.Facilities)
            {
                var pools = type.Equipment.Select(k => _problem.Equipment.FirstOrDefault(e => e.FacilityId == facility.Id && e.Kind == k)?.Id).ToList();
                if (pools.Any(p => p is null))
                {
                    continue;
                }

                var open = clock.Blocks(facility.Zone, facility.Hours ?? [allDay]);
                var windowStart = facility.Zone.AtStartOfDay(earliest).ToInstant();
                var windowEnd = facility.Zone.AtStartOfDay(latest.PlusDays(1)).ToInstant();
                foreach (var provider in providers)
                {
                    if (provider is not null && !provider.Availability.Any(a => a.FacilityId == facility.Id))
                    {
                        continue;
                    }

                    var providerBlocks = provider is null ? null : clock.Blocks(facility.Zone, provider.Availability.Where(a => a.FacilityId == facility.Id).Select(a => a.Hours));
                    foreach (var room in rooms)
                    {
                        if (room is not null && room.FacilityId != facility.Id)
                        {
                            continue;
                        }

                        if (fixedBooking is not null
                            && (fixedBooking.ProviderId != provider?.Id || fixedBooking.RoomId != room?.Id || (fixedBooking.FacilityId is not null && fixedBooking.FacilityId != facility.Id)))
                        {
                            continue;
                        }

                        bool Fits(Instant s)
                        {
                            var e = s + duration;
                            return s >= windowStart && s < windowEnd
                                && open.Any(b => b.From <= s && e <= b.To)
                                && (providerBlocks is null || providerBlocks.Any(b => b.From <= s && e <= b.To))
                                && (patientBlocks is null || patientBlocks.Any(b => b.From <= s && e <= b.To))
                                && !(provider?.TimeOff ?? []).Any(t => t.Start < e && s < t.End)
                                && !(room?.Unavailable ?? []).Any(t => t.Start < e && s < t.End)
                                && !patient.Unavailable.Any(t => t.Start < e && s < t.End);
                        }

                        void Add(Instant s)
                        {
                            var e = s + duration;
                            var assignment = new Assignment(r.Id, r.PatientId, provider?.Id, room?.Id, facility.Id, s.InZone(facility.Zone).ToOffsetDateTime(), e.InZone(facility.Zone).ToOffsetDateTime());
                            result.Add(new Placement(assignment, s, e, e + buffer, pools!, s.InZone(facility.Zone).LocalDateTime));
                        }

                        if (fixedBooking is not null)
                        {
                            if (Fits(fixedBooking.Start))
                            {
                                Add(fixedBooking.Start);
                            }

                            continue;
                        }

                        foreach (var block in open)
                        {
                            var from = block.From > windowStart ? block.From : windowStart;
                            var minute = Ceiling(from.ToUnixTimeTicks() / NodaConstants.TicksPerMinute, grid);
                            for (var s = Instant.FromUnixTimeTicks(minute * NodaConstants.TicksPerMinute); s < windowEnd && s + duration <= block.To; s += Duration.FromMinutes(grid))
                            {
                                if (Fits(s))
                                {
                                    Add(s);
                                }
                            }
                        }
                    }
                }
            }

            return result;
        }

        private static long Ceiling(long value, long step) => (long)Math.Ceiling(value / (double)step) * step;

        /// <summary>Groups of requests that can affect each other: a shared possible provider, room, pool or patient, a link or a series.</summary>
        private List<List<string>> Components(Dictionary<string, List<Placement>> candidates)
        {
            var parent = _problem.Requests.ToDictionary(r => r.Id, r => r.Id);
            string Find(string x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
            void Union(string a, string b) => parent[Find(a)] = Find(b);

            var owners = new Dictionary<string, string>();
            void Claim(string key, string request)
            {
                if (owners.TryGetValue(key, out var other))
                {
                    Union(other, request);
                }
                else
                {
                    owners[key] = request;
                }
            }

            foreach (var r in _problem.Requests)
            {
                Claim("patient:" + r.PatientId, r.Id);
                foreach (var p in candidates[r.Id])
                {
                    if (p.Assignment.ProviderId is { } provider)
                    {
                        Claim("provider:" + provider, r.Id);
                    }

                    if (p.Assignment.RoomId is { } room)
                    {
                        Claim("room:" + room, r.Id);
                    }

                    foreach (var pool in p.Pools)
                    {
                        Claim("pool:" + pool, r.Id);
                    }
                }

                foreach (var link in r.After)
                {
                    Union(r.Id, link.RequestId);
                }
            }

            foreach (var series in _problem.Series)
            {
                foreach (var id in series.RequestIds.Skip(1))
                {
                    Union(series.RequestIds[0], id);
                }
            }

            return [.. _problem.Requests.GroupBy(r => Find(r.Id)).Select(g => g.Select(r => r.Id).ToList())];
        }

        /// <summary>
        /// Branch and bound over one component: each request placed somewhere or (unless fixed) left out. After each
        /// decision the placements of the requests still to decide that conflict with it are dropped, and the bound is
        /// the priority booked so far plus that of every request still to decide that has a placement left.
        /// </summary>
        private List<Assignment>? Solve(List<string> component, Dictionary<string, List<Placement>> candidates)
        {
            var order = Order(component, candidates);
            var n = order.Count;
            var decided = new Dictionary<string, Placement?>();
            long best = -1;
            List<Assignment>? bestAssignments = null;
            var aborted = false;

            void Visit(int i, long priority, List<Placement>[] domains)
            {
                var bound = priority;
                for (var j = i; j < n; j++)
                {
                    bound += domains[j].Count > 0 ? _requests[order[j]].Priority : 0;
                }

                if (aborted || bound <= best)
                {
                    return;
                }

                if (++_steps > _maxSteps)
                {
                    aborted = true;
                    return;
                }

                // When the first compatible placement of each request still to decide books all that have one, the
                // bound is reached: nothing in this branch can do better.
                if (Greedy(i))
                {
                    best = bound;
                    bestAssignments = [.. decided.Values.OfType<Placement>().Select(p => p.Assignment)];
                    foreach (var id in order.Skip(i))
                    {
                        decided.Remove(id);
                    }

                    return;
                }

                foreach (var id in order.Skip(i))
                {
                    decided.Remove(id);
                }

                bool Greedy(int from)
                {
                    for (var j = from; j < n; j++)
                    {
                        var next = order[j];
                        var placement = domains[j].FirstOrDefault(p => Compatible(next, p, decided));
                        if (placement is null && (domains[j].Count > 0 || _fixed.Contains(next) || !CanLeaveOut(next, decided)))
                        {
                            return false;
                        }

                        decided[next] = placement;
                    }

                    return true;
                }

                var current = order[i];
                foreach (var placement in domains[i])
                {
                    if (!Compatible(current, placement, decided))
                    {
                        continue;
                    }

                    var next = new List<Placement>[n];
                    for (var j = i + 1; j < n; j++)
                    {
                        var other = order[j];
                        _steps += domains[j].Count;
                        next[j] = Interact(other, current) ? domains[j].Where(p => PairCompatible(other, p, current, placement)).ToList() : domains[j];
                    }

                    decided[current] = placement;
                    Visit(i + 1, priority + _requests[current].Priority, next);
                    decided.Remove(current);
                }

                if (!_fixed.Contains(current) && CanLeaveOut(current, decided))
                {
                    // Its successors and the rest of its series cannot be booked without it.
                    var next = new List<Placement>[n];
                    for (var j = i + 1; j < n; j++)
                    {
                        next[j] = Needs(order[j], current) ? [] : domains[j];
                    }

                    decided[current] = null;
                    Visit(i + 1, priority, next);
                    decided.Remove(current);
                }
            }

            Visit(0, 0, [.. order.Select(id => candidates[id])]);
            return aborted ? null : bestAssignments;
        }

        /// <summary>Predecessors before successors; fixed requests first, then the fewest placements (fail first), then by priority.</summary>
        private List<string> Order(List<string> component, Dictionary<string, List<Placement>> candidates)
        {
            var rest = component.OrderByDescending(id => _fixed.Contains(id)).ThenBy(id => candidates[id].Count).ThenByDescending(id => _requests[id].Priority).ToList();
            var order = new List<string>();
            while (rest.Count > 0)
            {
                var next = rest.FirstOrDefault(id => _requests[id].After.All(l => order.Contains(l.RequestId) || !rest.Contains(l.RequestId))) ?? rest[0];
                order.Add(next);
                rest.Remove(next);
            }

            return order;
        }

        /// <summary>
        /// Whether two requests can constrain each other directly: the same patient, a provider, room or pool both could
        /// take, a link or a series. Placements of requests that do not interact are never checked against each other.
        /// </summary>
        private bool Interact(string a, string b)
        {
            if (_interact.TryGetValue((a, b), out var known))
            {
                return known;
            }

            static HashSet<string> Places(List<Placement> placements) =>
                [.. placements.SelectMany(p => p.Pools.Select(x => "pool:" + x)
                    .Append(p.Assignment.ProviderId is { } v ? "provider:" + v : string.Empty)
                    .Append(p.Assignment.RoomId is { } r ? "room:" + r : string.Empty)).Where(x => x.Length > 0)];
            var result = _requests[a].PatientId == _requests[b].PatientId || Needs(a, b) || Needs(b, a)
                || Places(_candidates[a]).Overlaps(Places(_candidates[b]));
            _interact[(a, b)] = _interact[(b, a)] = result;
            return result;
        }

        /// <summary>Whether request <paramref name="id"/> cannot be booked without <paramref name="other"/>: it follows it, or they share a series.</summary>
        private bool Needs(string id, string other) =>
            _requests[id].After.Any(l => l.RequestId == other)
            || _problem.Series.Any(s => s.RequestIds.Contains(id) && s.RequestIds.Contains(other));

        private bool CanLeaveOut(string id, Dictionary<string, Placement?> decided) =>
            !decided.Any(d => d.Value is not null && Needs(d.Key, id));

        /// <summary>Every rule between a placement and the decisions so far: pairs, leaving out, shared rooms and pools.</summary>
        private bool Compatible(string id, Placement x, Dictionary<string, Placement?> decided)
        {
            foreach (var (otherId, other) in decided)
            {
                if (other is null ? Needs(id, otherId) : !PairCompatible(id, x, otherId, other))
                {
                    return false;
                }
            }

            var placed = decided.Values.OfType<Placement>().Append(x).ToList();
            if (x.Assignment.RoomId is { } roomId && _rooms[roomId].Capacity > 1
                && Overfull(placed.Where(p => p.Assignment.RoomId == roomId).Select(p => (p.Start, p.RoomEnd)).ToList(), _rooms[roomId].Capacity))
            {
                return false;
            }

            foreach (var pool in x.Pools)
            {
                if (Overfull(placed.Where(p => p.Pools.Contains(pool)).Select(p => (p.Start, p.End)).ToList(), _pools[pool].Count))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The rules between two booked requests: patient, provider and single-room overlaps, links, series.</summary>
        private bool PairCompatible(string id, Placement x, string otherId, Placement y)
        {
            var a = y.Assignment;
            var overlap = x.Start < y.End && y.Start < x.End;
            if (overlap && (a.PatientId == x.Assignment.PatientId || (a.ProviderId is not null && a.ProviderId == x.Assignment.ProviderId)))
            {
                return false;
            }

            if (a.RoomId is not null && a.RoomId == x.Assignment.RoomId && _rooms[a.RoomId].Capacity == 1 && x.Start < y.RoomEnd && y.Start < x.RoomEnd)
            {
                return false;
            }

            if (!Gaps(_requests[id], x, otherId, y) || !Gaps(_requests[otherId], y, id, x))
            {
                return false;
            }

            foreach (var series in _problem.Series)
            {
                var k = IndexOf(series, id);
                var j = IndexOf(series, otherId);
                if (k < 0 || j < 0)
                {
                    continue;
                }

                if (series.SameProvider && x.Assignment.ProviderId is not null && a.ProviderId is not null && x.Assignment.ProviderId != a.ProviderId)
                {
                    return false;
                }

                if ((k == 0 || j == 0) && !OnCadence(series, k == 0 ? x : y, k == 0 ? y : x, Math.Max(j, k)))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Whether <paramref name="x"/> keeps the gaps of the request's links to <paramref name="previousId"/>.</summary>
        private static bool Gaps(AppointmentRequest request, Placement x, string previousId, Placement previous)
        {
            foreach (var link in request.After.Where(l => l.RequestId == previousId))
            {
                var gap = (x.Start - previous.End).TotalMinutes;
                if (gap < link.MinGapMinutes || (link.MaxGapMinutes is { } max && gap > max))
                {
                    return false;
                }
            }

            return true;
        }

        private static int IndexOf(RequestSeries series, string id)
        {
            for (var i = 0; i < series.RequestIds.Count; i++)
            {
                if (series.RequestIds[i] == id)
                {
                    return i;
                }
            }

            return -1;
        }

        private static bool OnCadence(RequestSeries series, Placement first, Placement visit, int k) =>
            visit.Local.Date == first.Local.Date.PlusDays(k * series.IntervalDays)
            && Math.Abs((visit.Local.TimeOfDay - first.Local.TimeOfDay).ToDuration().TotalMinutes) <= series.ToleranceMinutes;

        /// <summary>Whether more than <paramref name="capacity"/> intervals are open at the start of any of them.</summary>
        private static bool Overfull(List<(Instant Start, Instant End)> intervals, int capacity) =>
            intervals.Any(u => intervals.Count(o => o.Start <= u.Start && u.Start < o.End) > capacity);

        private static LocalDate Max(LocalDate a, LocalDate b) => a > b ? a : b;

        private static LocalDate Min(LocalDate a, LocalDate b) => a < b ? a : b;
    }
}
