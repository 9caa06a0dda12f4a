using Google.OrTools.Sat;
using Google.OrTools.Util;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Solving;

/// <summary>The decision variables of one request.</summary>
internal sealed class RequestVars
{
    public required RequestCandidates Candidates { get; init; }

    /// <summary>Scheduled or not (rule 1).</summary>
    public required BoolVar Scheduled { get; init; }

    public required IntVar Start { get; init; }

    public required IntervalVar Interval { get; init; }

    public List<(FacilityOption Option, BoolVar Chosen)> Facilities { get; } = [];

    public List<(FacilityOption Facility, ProviderOption Option, BoolVar Chosen)> Providers { get; } = [];

    public List<(FacilityOption Facility, RoomOption Option, BoolVar Chosen)> Rooms { get; } = [];

    public List<(FacilityOption Facility, DayOption Day, BoolVar Chosen)> Days { get; } = [];

    public List<(FacilityOption Facility, LocalDaySegment Segment, BoolVar Chosen)> Segments { get; } = [];
}

/// <summary>
/// The CP-SAT model of a problem, built rule by rule as the format states them. Times are integer minutes from the
/// horizon's first instant.
/// </summary>
internal sealed class ScheduleModel
{
    private readonly Dictionary<string, List<IntervalVar>> _providerIntervals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IntervalVar>> _roomIntervals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IntervalVar>> _patientIntervals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IntervalVar>> _poolIntervals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _roomCapacity = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _poolCount = new(StringComparer.Ordinal);
    private readonly List<IntVar> _decisions = [];
    private readonly List<(BoolVar Literal, long Weight)> _waitingTerms = [];
    private readonly List<LinearExpr> _waitingExpressions = [];

    /// <param name="candidates">The requests to model.</param>
    /// <param name="fixedByAssumption">
    /// Whether fixed requests are held by one literal each in <see cref="FixedLiterals"/> (for solving under
    /// assumptions) instead of unconditionally.
    /// </param>
    /// <param name="around">
    /// For a model of some requests placed around others: the book whose other bookings (those not in
    /// <paramref name="ignoring"/>) already take places in shared rooms and units of equipment pools. Candidates are
    /// expected to be cut to the time one-at-a-time resources leave free already (<see cref="Book.Restrict"/>).
    /// </param>
    /// <param name="ignoring">Bookings of <paramref name="around"/> that the modelled requests replace.</param>
    /// <param name="soft">The weighted soft rules, if any; they join waiting in <see cref="CostObjective"/>.</param>
    public ScheduleModel(IReadOnlyList<RequestCandidates> candidates, bool fixedByAssumption = false, Book? around = null, IReadOnlySet<string>? ignoring = null,
        SoftRules? soft = null)
    {
        _fixedByAssumption = fixedByAssumption;
        foreach (var candidate in candidates.Where(c => c.CanBeScheduled))
        {
            Requests.Add(candidate.Request.Id, AddRequest(candidate));
        }

        AddNoOverlapRule();
        AddSharedCapacityRule(around, ignoring ?? new HashSet<string>());
        AddLinkRule();
        AddSeriesRule();

        PriorityObjective = LinearExpr.WeightedSum(Requests.Values.Select(v => v.Scheduled), Requests.Values.Select(v => (long)v.Candidates.Request.Priority));
        WaitingObjective = LinearExpr.WeightedSum(_waitingTerms.Select(t => t.Literal), _waitingTerms.Select(t => t.Weight))
            + LinearExpr.Sum(_waitingExpressions);
        var freed = ignoring ?? new HashSet<string>();
        SoftObjective = soft is null ? LinearExpr.Constant(0)
            : soft.Terms(Model, Requests.Values, around?.Placements.Where(p => !freed.Contains(p.Key) && !Requests.ContainsKey(p.Key)) ?? []);
        CostObjective = WaitingObjective + SoftObjective;
        PreferenceObjective = LinearExpr.Sum(Requests.Values.SelectMany(v => v.Providers
            .Where(p => p.Option.ProviderId == v.Candidates.Request.PreferredProviderId)
            .Select(p => (LinearExpr)p.Chosen)));
    }

    private readonly bool _fixedByAssumption;

    public CpModel Model { get; } = new();

    /// <summary>Gets, when built with fixed requests as assumptions, the literal that holds each fixed request booked.</summary>
    public Dictionary<string, BoolVar> FixedLiterals { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, RequestVars> Requests { get; } = new(StringComparer.Ordinal);

    /// <summary>Level 1: total priority of scheduled requests (maximised).</summary>
    public LinearExpr PriorityObjective { get; }

    /// <summary>Level 2: priority × waiting days (minimised).</summary>
    public LinearExpr WaitingObjective { get; }

    /// <summary>The weighted soft rules (zero when none is weighted).</summary>
    public LinearExpr SoftObjective { get; }

    /// <summary>Level 2 as solved: waiting plus the weighted soft rules (minimised).</summary>
    public LinearExpr CostObjective { get; }

    /// <summary>Level 3: preferred providers honoured (maximised).</summary>
    public LinearExpr PreferenceObjective { get; }

    /// <summary>Every decision variable, for carrying a solution over as the next phase's hint.</summary>
    public IReadOnlyList<IntVar> Decisions => _decisions;

    private static Domain ToDomain(MinuteSet set) =>
        Domain.FromFlatIntervals([.. set.Ranges.SelectMany(r => new[] { r.Start, r.End - 1 })]);

    private BoolVar NewBool(string name)
    {
        var variable = Model.NewBoolVar(name);
        _decisions.Add(variable);
        return variable;
    }

    private RequestVars AddRequest(RequestCandidates c)
    {
        var id = c.Request.Id;
        var scheduled = NewBool($"scheduled[{id}]");
        var start = Model.NewIntVarFromDomain(ToDomain(c.AllStarts), $"start[{id}]");
        _decisions.Add(start);
        var vars = new RequestVars
        {
            Candidates = c,
            Scheduled = scheduled,
            Start = start,
            Interval = Model.NewOptionalFixedSizeIntervalVar(start, c.Duration, scheduled, $"appointment[{id}]"),
        };

        if (c.Fixed is not null)
        {
            // Rule 1: fixed requests are assigned exactly as fixed.
            if (_fixedByAssumption)
            {
                var holds = Model.NewBoolVar($"fixed[{id}]");
                FixedLiterals.Add(id, holds);
                Model.AddImplication(holds, scheduled);
            }
            else
            {
                Model.Add(scheduled == 1);
            }
        }

        AddFacilityChoice(vars);
        Add(_patientIntervals, c.Request.PatientId, vars.Interval);
        return vars;
    }

    /// <summary>Rules 5 and 8 (through the facility's start domain), then rules 3 and 4 per facility.</summary>
    private void AddFacilityChoice(RequestVars v)
    {
        var c = v.Candidates;
        var id = c.Request.Id;
        foreach (var facility in c.Facilities)
        {
            BoolVar chosen = c.Facilities.Count == 1 ? v.Scheduled : NewBool($"facility[{id},{facility.FacilityId}]");
            if (c.Facilities.Count > 1)
            {
                Model.AddLinearExpressionInDomain(v.Start, ToDomain(facility.Starts)).OnlyEnforceIf(chosen);
            }

            v.Facilities.Add((facility, chosen));
            AddEquipmentRule(v, facility, chosen);
            AddDayChoice(v, facility, chosen);
            AddProviderRule(v, facility, chosen);
            AddRoomRule(v, facility, chosen);
        }

        if (c.Facilities.Count > 1)
        {
            Model.Add(LinearExpr.Sum(v.Facilities.Select(f => (LinearExpr)f.Chosen)) == v.Scheduled);
        }
    }

    /// <summary>Windows longer than this many days count waiting by division instead of one literal per day.</summary>
    public const int LongWindowDays = 14;

    /// <summary>The waiting objective: the local start date at the chosen facility, as days after the request's earliest date.</summary>
    private void AddDayChoice(RequestVars v, FacilityOption facility, BoolVar facilityChosen)
    {
        if (facility.Days.Count == 1)
        {
            v.Days.Add((facility, facility.Days[0], facilityChosen));
            _waitingTerms.Add((facilityChosen, (long)facility.Days[0].WaitingDays * v.Candidates.Request.Priority));
            return;
        }

        if (facility.Days.Count > LongWindowDays)
        {
            AddWaitingByDivision(v, facility, facilityChosen);
            return;
        }

        var dayLiterals = new List<BoolVar>();
        foreach (var day in facility.Days)
        {
            var chosen = NewBool($"day[{v.Candidates.Request.Id},{facility.FacilityId},{day.Date:uuuu-MM-dd}]");
            Model.AddLinearConstraint(v.Start, day.From, day.To - 1).OnlyEnforceIf(chosen);
            dayLiterals.Add(chosen);
            v.Days.Add((facility, day, chosen));
            _waitingTerms.Add((chosen, (long)day.WaitingDays * v.Candidates.Request.Priority));
        }

        Model.Add(LinearExpr.Sum(dayLiterals.Select(l => (LinearExpr)l)) == facilityChosen);
    }

    /// <summary>
    /// Waiting days over a long window: within each stretch of one UTC offset, the local date is
    /// <c>(start + shift) / 1440</c>; a waiting variable is held at or above it for the stretch the start lies in.
    /// </summary>
    private void AddWaitingByDivision(RequestVars v, FacilityOption facility, BoolVar facilityChosen)
    {
        var id = v.Candidates.Request.Id;
        var maxWaiting = facility.Days.Max(d => d.WaitingDays);
        var waiting = Model.NewIntVar(0, maxWaiting, $"waiting-days[{id},{facility.FacilityId}]");
        foreach (var segment in facility.Segments)
        {
            var inSegment = facility.Segments.Count == 1 ? facilityChosen : NewBool($"offset-stretch[{id},{facility.FacilityId},{segment.From}]");
            if (facility.Segments.Count > 1)
            {
                Model.AddLinearConstraint(v.Start, segment.From, segment.To - 1).OnlyEnforceIf(inSegment);
            }

            var (first, last) = (v.Candidates.AllStarts.Ranges[0].Start, v.Candidates.AllStarts.Ranges[^1].End - 1);
            var epochDay = Model.NewIntVar((first + segment.Shift) / 1440, (last + segment.Shift) / 1440, $"local-day[{id},{facility.FacilityId},{segment.From}]");
            Model.AddDivisionEquality(epochDay, v.Start + segment.Shift, 1440);
            Model.Add(waiting >= epochDay - facility.WaitingFromEpochDay).OnlyEnforceIf(inSegment);
            v.Segments.Add((facility, segment, inSegment));
        }

        if (facility.Segments.Count > 1)
        {
            Model.Add(LinearExpr.Sum(v.Segments.Where(s => ReferenceEquals(s.Facility, facility)).Select(s => (LinearExpr)s.Chosen)) == facilityChosen);
        }

        _waitingExpressions.Add(waiting * v.Candidates.Request.Priority);
    }

    /// <summary>Rule 3: a qualified provider, inside one of its blocks at this facility and outside time off.</summary>
    private void AddProviderRule(RequestVars v, FacilityOption facility, BoolVar facilityChosen)
    {
        var chosen = AddResourceChoice(v, facility, facilityChosen, "provider",
            [.. facility.Providers.Select(o => (o.ProviderId, o.Starts))], v.Candidates.Duration, _providerIntervals);
        v.Providers.AddRange(facility.Providers.Zip(chosen, (option, literal) => (facility, option, literal)));
    }

    /// <summary>Rule 9: one unit of each pool of the type's equipment at the facility, for the appointment's duration.</summary>
    private void AddEquipmentRule(RequestVars v, FacilityOption facility, BoolVar facilityChosen)
    {
        foreach (var pool in facility.Pools)
        {
            _poolCount[pool.PoolId] = pool.Count;
            Add(_poolIntervals, pool.PoolId, ReferenceEquals(facilityChosen, v.Scheduled)
                ? v.Interval
                : Model.NewOptionalFixedSizeIntervalVar(v.Start, v.Candidates.Duration, facilityChosen, $"equipment[{v.Candidates.Request.Id},{pool.PoolId}]"));
        }
    }

    /// <summary>Rule 4: a room with every feature, in this facility, outside its unavailable blocks; occupied through its buffer.</summary>
    private void AddRoomRule(RequestVars v, FacilityOption facility, BoolVar facilityChosen)
    {
        foreach (var room in facility.Rooms)
        {
            _roomCapacity[room.RoomId] = room.Capacity;
        }

        var chosen = AddResourceChoice(v, facility, facilityChosen, "room",
            [.. facility.Rooms.Select(o => (o.RoomId, o.Starts))], v.Candidates.Duration + v.Candidates.Type.BufferMinutes, _roomIntervals);
        v.Rooms.AddRange(facility.Rooms.Zip(chosen, (option, literal) => (facility, option, literal)));
    }

    /// <summary>
    /// Exactly one of the resources is chosen when the facility is; each restricts the start to the starts it
    /// allows and occupies itself for <paramref name="occupiedMinutes"/> from the start.
    /// </summary>
    private List<BoolVar> AddResourceChoice(RequestVars v, FacilityOption facility, BoolVar facilityChosen, string kind,
        IReadOnlyList<(string Id, MinuteSet Starts)> options, int occupiedMinutes, Dictionary<string, List<IntervalVar>> intervals)
    {
        var id = v.Candidates.Request.Id;
        var literals = new List<BoolVar>();
        foreach (var (resource, starts) in options)
        {
            var chosen = options.Count == 1 ? facilityChosen : NewBool($"{kind}[{id},{facility.FacilityId},{resource}]");
            if (!SameSet(starts, facility.Starts))
            {
                Model.AddLinearExpressionInDomain(v.Start, ToDomain(starts)).OnlyEnforceIf(chosen);
            }

            var interval = ReferenceEquals(chosen, v.Scheduled) && occupiedMinutes == v.Candidates.Duration
                ? v.Interval
                : Model.NewOptionalFixedSizeIntervalVar(v.Start, occupiedMinutes, chosen, $"{kind}-booking[{id},{resource}]");
            Add(intervals, resource, interval);
            literals.Add(chosen);
        }

        if (options.Count > 1)
        {
            Model.Add(LinearExpr.Sum(literals.Select(l => (LinearExpr)l)) == facilityChosen);
        }

        return literals;
    }

    /// <summary>Rule 6: no overlap per provider, per patient, and per room of capacity 1 counting the buffer.</summary>
    private void AddNoOverlapRule()
    {
        var oneAtATimeRooms = _roomIntervals.Where(r => _roomCapacity[r.Key] == 1).Select(r => r.Value);
        foreach (var intervals in _providerIntervals.Values.Concat(oneAtATimeRooms).Concat(_patientIntervals.Values))
        {
            if (intervals.Count > 1)
            {
                Model.AddNoOverlap(intervals);
            }
        }
    }

    /// <summary>
    /// Rules 6 and 9 where places are shared: a room of capacity <c>c</c> holds at most <c>c</c> appointments at any
    /// minute (buffers included), a pool lends at most its count of units; bookings held around the model count too.
    /// </summary>
    private void AddSharedCapacityRule(Book? around, IReadOnlySet<string> ignoring)
    {
        var shared = _roomIntervals.Where(r => _roomCapacity[r.Key] > 1).Select(r => (Pool: false, r.Key, Capacity: _roomCapacity[r.Key], Intervals: r.Value))
            .Concat(_poolIntervals.Select(p => (Pool: true, p.Key, Capacity: _poolCount[p.Key], Intervals: p.Value)));
        foreach (var (pool, id, capacity, intervals) in shared)
        {
            var held = around is null ? [] : Held(around, pool, id, ignoring);
            if (intervals.Count + held.Count <= capacity)
            {
                continue;
            }

            var cumulative = Model.AddCumulative(capacity);
            foreach (var interval in intervals.Concat(held))
            {
                cumulative.AddDemand(interval, 1);
            }
        }
    }

    /// <summary>Fixed intervals for the bookings of <paramref name="around"/> on a room or pool within reach of the modelled requests' starts.</summary>
    private List<IntervalVar> Held(Book around, bool pool, string id, IReadOnlySet<string> ignoring)
    {
        var users = Requests.Values.Where(v => pool
            ? v.Candidates.Facilities.Any(f => f.Pools.Any(p => p.PoolId == id))
            : v.Candidates.Facilities.Any(f => f.Rooms.Any(r => r.RoomId == id))).ToList();
        var from = users.Min(v => v.Candidates.AllStarts.Ranges[0].Start);
        var to = users.Max(v => v.Candidates.AllStarts.Ranges[^1].End + v.Candidates.Duration + v.Candidates.Type.BufferMinutes);
        return [.. around.Occupying(pool, id, from, to, ignoring)
            .Select((b, i) => Model.NewFixedSizeIntervalVar(b.Start, b.End - b.Start, $"held[{id},{i}]"))];
    }

    /// <summary>Rule 7: a scheduled request's predecessors are scheduled, and it starts within the link's gaps after each ends.</summary>
    private void AddLinkRule()
    {
        foreach (var v in Requests.Values)
        {
            foreach (var link in v.Candidates.Request.Links)
            {
                var previous = Requests[link.RequestId];
                Model.AddImplication(v.Scheduled, previous.Scheduled);
                var gap = v.Start - previous.Start - previous.Candidates.Duration;
                Model.Add(gap >= link.MinGapMinutes).OnlyEnforceIf(v.Scheduled);
                if (link.MaxGapMinutes is { } max)
                {
                    Model.Add(gap <= max).OnlyEnforceIf(v.Scheduled);
                }
            }
        }

    }

    /// <summary>
    /// Rule 10: a series' visits are booked together or not at all; visit <c>k</c> starts on the first visit's local
    /// date plus <c>k × intervalDays</c>, within the tolerance of its local time of day; with one provider where asked.
    /// A series with a visit missing from the model (nowhere left for it) is not booked.
    /// </summary>
    private void AddSeriesRule()
    {
        foreach (var group in Requests.Values.Where(v => v.Candidates.Series is not null).GroupBy(v => v.Candidates.Series!.Series.Id, StringComparer.Ordinal))
        {
            var series = group.First().Candidates.Series!.Series;
            var visits = group.OrderBy(v => v.Candidates.Series!.Position).ToList();
            if (visits.Count < series.RequestIds.Count)
            {
                visits.ForEach(v => Model.Add(v.Scheduled == 0));
                continue;
            }

            var first = visits[0];
            var (firstDay, firstTime) = LocalDayAndTime(first);
            for (var k = 1; k < visits.Count; k++)
            {
                var v = visits[k];
                Model.Add(v.Scheduled == first.Scheduled);
                var (day, time) = LocalDayAndTime(v);
                Model.Add(day == firstDay + ((long)k * series.IntervalDays)).OnlyEnforceIf(first.Scheduled);
                Model.Add(time - firstTime <= series.ToleranceMinutes).OnlyEnforceIf(first.Scheduled);
                Model.Add(firstTime - time <= series.ToleranceMinutes).OnlyEnforceIf(first.Scheduled);
            }

            if (series.SameProvider)
            {
                AddSameProvider(visits.Where(v => v.Candidates.Type.BooksProvider).ToList());
            }
        }
    }

    /// <summary>Every visit books the provider the first of them books.</summary>
    private void AddSameProvider(List<RequestVars> visits)
    {
        if (visits.Count < 2)
        {
            return;
        }

        LinearExpr Uses(RequestVars v, string provider) => LinearExpr.Sum(v.Providers.Where(p => p.Option.ProviderId == provider).Select(p => (LinearExpr)p.Chosen));
        var reference = visits[0];
        foreach (var v in visits.Skip(1))
        {
            foreach (var provider in v.Providers.Select(p => p.Option.ProviderId).Distinct(StringComparer.Ordinal))
            {
                Model.Add(Uses(v, provider) <= Uses(reference, provider));
            }
        }
    }

    /// <summary>The request's start on its facility's wall clock, as a local day number and a minute of that day.</summary>
    private (IntVar Day, LinearExpr Time) LocalDayAndTime(RequestVars v)
    {
        var id = v.Candidates.Request.Id;
        var stretches = v.Facilities.SelectMany(f => f.Option.Segments.Select(s => (f.Option, f.Chosen, Segment: s))).ToList();
        var local = Model.NewIntVar(
            stretches.Min(x => x.Segment.From + x.Segment.Shift),
            stretches.Max(x => x.Segment.To - 1 + x.Segment.Shift),
            $"local-start[{id}]");
        if (stretches.Count == 1)
        {
            Model.Add(local == v.Start + stretches[0].Segment.Shift);
        }
        else
        {
            var chosen = new List<BoolVar>();
            foreach (var (_, facilityChosen, segment) in stretches)
            {
                var literal = Model.NewBoolVar($"local-stretch[{id},{segment.From}]");
                chosen.Add(literal);
                Model.AddImplication(literal, facilityChosen);
                Model.AddLinearConstraint(v.Start, segment.From, segment.To - 1).OnlyEnforceIf(literal);
                Model.Add(local == v.Start + segment.Shift).OnlyEnforceIf(literal);
            }

            Model.Add(LinearExpr.Sum(chosen.Select(l => (LinearExpr)l)) == v.Scheduled);
        }

        var day = Model.NewIntVar(stretches.Min(x => x.Segment.From + x.Segment.Shift) / 1440, stretches.Max(x => x.Segment.To - 1 + x.Segment.Shift) / 1440, $"local-day[{id}]");
        Model.AddDivisionEquality(day, local, 1440);
        return (day, local - (day * 1440));
    }

    /// <summary>About how many choice literals the whole model of these requests would have.</summary>
    /// <param name="candidates">The requests.</param>
    /// <param name="perProviderDay">Whether a weighted daily cap adds a literal per provider and day a request could take.</param>
    public static long SizeOf(IEnumerable<RequestCandidates> candidates, bool perProviderDay = false) =>
        candidates.Where(c => c.CanBeScheduled)
            .Sum(c => 1L + c.Facilities.Sum(f => f.Providers.Count + f.Rooms.Count + Math.Min(f.Days.Count, LongWindowDays + 1)
                + (perProviderDay ? (long)f.Providers.Count * f.Days.Count : 0)));

    /// <summary>Where a solution puts each scheduled request.</summary>
    public Dictionary<string, Placement> ToPlacements(Solution solution)
    {
        var placements = new Dictionary<string, Placement>(StringComparer.Ordinal);
        foreach (var (id, v) in Requests.Where(r => solution.IsTrue(r.Value.Scheduled)))
        {
            var (facility, _) = v.Facilities.Single(f => solution.IsTrue(f.Chosen));
            var provider = v.Providers.SingleOrDefault(p => ReferenceEquals(p.Facility, facility) && solution.IsTrue(p.Chosen)).Option;
            var room = v.Rooms.SingleOrDefault(r => ReferenceEquals(r.Facility, facility) && solution.IsTrue(r.Chosen)).Option;
            placements.Add(id, new Placement(facility, provider, room, solution[v.Start]));
        }

        return placements;
    }

    private static bool SameSet(MinuteSet a, MinuteSet b) => a.Ranges.SequenceEqual(b.Ranges);

    private static void Add(Dictionary<string, List<IntervalVar>> map, string key, IntervalVar interval)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(interval);
    }
}
