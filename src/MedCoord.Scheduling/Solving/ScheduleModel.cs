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

        ResourceRule.AddTo(this, around, ignoring ?? new HashSet<string>());
        LinkRule.AddTo(this);
        SeriesRule.AddTo(this);

        PriorityObjective = LinearExpr.WeightedSum(Requests.Values.Select(v => v.Scheduled), Requests.Values.Select(v => (long)v.Candidates.Request.Priority));
        WaitingObjective = LinearExpr.WeightedSum(_waitingTerms.Select(t => t.Literal), _waitingTerms.Select(t => t.Weight))
            + LinearExpr.Sum(_waitingExpressions);
        var freed = ignoring ?? new HashSet<string>();
        SoftObjective = soft is null ? LinearExpr.Constant(0)
            : soft.Terms(Model, Requests.Values, around?.Placements.Where(p => !freed.Contains(p.Key) && !Requests.ContainsKey(p.Key)) ?? []);
        CostObjective = WaitingObjective + SoftObjective;
        PreferenceObjective = LinearExpr.Sum(Requests.Values.SelectMany(v => v.Providers
            .Where(p => Objective.Preferred(v.Candidates.Request, p.Option.ProviderId))
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

    /// <summary>Gets the time each provider would be taken, by provider id: one optional interval per way to book it.</summary>
    public IReadOnlyDictionary<string, List<IntervalVar>> ProviderIntervals => _providerIntervals;

    /// <summary>Gets the time each room would be taken (buffers included), by room id.</summary>
    public IReadOnlyDictionary<string, List<IntervalVar>> RoomIntervals => _roomIntervals;

    /// <summary>Gets the time each patient would be taken, by patient id.</summary>
    public IReadOnlyDictionary<string, List<IntervalVar>> PatientIntervals => _patientIntervals;

    /// <summary>Gets the time a unit of each equipment pool would be taken, by pool id.</summary>
    public IReadOnlyDictionary<string, List<IntervalVar>> PoolIntervals => _poolIntervals;

    /// <summary>Gets how many appointments each modelled room holds at once.</summary>
    public IReadOnlyDictionary<string, int> RoomCapacity => _roomCapacity;

    /// <summary>Gets how many units each modelled equipment pool holds.</summary>
    public IReadOnlyDictionary<string, int> PoolCount => _poolCount;

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
            _waitingTerms.Add((facilityChosen, Objective.Waiting(v.Candidates.Request, facility.Days[0].WaitingDays)));
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
            _waitingTerms.Add((chosen, Objective.Waiting(v.Candidates.Request, day.WaitingDays)));
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
                : Model.NewOptionalFixedSizeIntervalVar(v.Start, occupiedMinutes, chosen, $"{kind}-booking[{id},{facility.FacilityId},{resource}]");
            Add(intervals, resource, interval);
            literals.Add(chosen);
        }

        if (options.Count > 1)
        {
            Model.Add(LinearExpr.Sum(literals.Select(l => (LinearExpr)l)) == facilityChosen);
        }

        return literals;
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
