using System.Diagnostics;
using Google.OrTools.Sat;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Solving.CpSat;
using NodaTime;

namespace MedCoord.Scheduling.Solving;

/// <summary>Values of every decision variable in one solution.</summary>
internal sealed class Solution
{
    private readonly Dictionary<int, long> _values;

    public Solution(ScheduleModel model, Func<IntVar, long> value)
    {
        _values = model.Decisions.ToDictionary(v => v.GetIndex(), value);
    }

    private Solution(Dictionary<int, long> values) => _values = values;

    /// <summary>The solution that books exactly the given placements and nothing else.</summary>
    public static Solution FromPlacements(ScheduleModel model, IReadOnlyDictionary<string, Placement> placements)
    {
        var values = model.Decisions.ToDictionary(v => v.GetIndex(), _ => 0L);
        foreach (var (id, v) in model.Requests)
        {
            if (!placements.TryGetValue(id, out var p))
            {
                values[v.Start.GetIndex()] = v.Candidates.AllStarts.Ranges[0].Start;
                continue;
            }

            values[v.Start.GetIndex()] = p.Start;
            var chosen = v.Facilities.Where(f => ReferenceEquals(f.Option, p.Facility)).Select(f => f.Chosen)
                .Concat(v.Days.Where(d => ReferenceEquals(d.Facility, p.Facility) && d.Day.From <= p.Start && p.Start < d.Day.To).Select(d => d.Chosen))
                .Concat(v.Segments.Where(x => ReferenceEquals(x.Facility, p.Facility) && x.Segment.From <= p.Start && p.Start < x.Segment.To).Select(x => x.Chosen))
                .Concat(v.Providers.Where(x => ReferenceEquals(x.Facility, p.Facility) && ReferenceEquals(x.Option, p.Provider)).Select(x => x.Chosen))
                .Concat(v.Rooms.Where(x => ReferenceEquals(x.Facility, p.Facility) && ReferenceEquals(x.Option, p.Room)).Select(x => x.Chosen))
                .Append(v.Scheduled);
            foreach (var literal in chosen)
            {
                values[literal.GetIndex()] = 1;
            }
        }

        return new Solution(values);
    }

    public long this[IntVar variable] => _values[variable.GetIndex()];

    public bool IsTrue(BoolVar literal) => _values[literal.GetIndex()] == 1;

    public void AddAsHint(ScheduleModel model)
    {
        model.Model.ClearHints();
        foreach (var variable in model.Decisions)
        {
            model.Model.AddHint(variable, this[variable]);
        }
    }
}

/// <summary>Settings of one solve, fully resolved.</summary>
/// <param name="TimeLimit">Wall time for the whole solve.</param>
/// <param name="Workers">CP-SAT workers.</param>
/// <param name="Seed">Random seed.</param>
/// <param name="WholeModelLimit">Largest model (in choice literals) solved whole; larger problems are improved by neighbourhoods.</param>
/// <param name="SoftRules">Weights of the soft rules, if any.</param>
/// <param name="NeighbourhoodSize">When set, how many requests each neighbourhood frees at most; otherwise adapted as the search goes.</param>
internal sealed record SolveSettings(Duration TimeLimit, int Workers, int Seed, long WholeModelLimit = SolveSettings.DefaultWholeModelLimit, SoftRuleWeights? SoftRules = null,
    int? NeighbourhoodSize = null)
{
    public const long DefaultWholeModelLimit = 30_000;

    /// <summary>Gets whether every CP-SAT call runs with presolve off.</summary>
    public bool Conservative { get; init; }

    /// <summary>Gets the solve's cancellation, which every CP-SAT call after the search (explanations, conflicts) honours too.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Gets what counts and logs the answers this solve dropped.</summary>
    public SolveMonitor Monitor { get; init; } = new(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <summary>The limits of a CP-SAT call of this solve that may take <paramref name="seconds"/>.</summary>
    public CpSatLimits CpSat(double seconds, int? workers = null, int? seed = null) =>
        new(seconds, workers ?? Workers, seed ?? Seed, Conservative);
}

/// <summary>What the phased search produced.</summary>
/// <param name="Status">How far the search got.</param>
/// <param name="Placements">The schedule, if any.</param>
/// <param name="PriorityBound">The proven bound on booked priority.</param>
/// <param name="Conflict">When infeasible: fixed requests whose bookings already conflict with one another and their links.</param>
internal sealed record PhasedResult(ScheduleStatus Status, IReadOnlyDictionary<string, Placement>? Placements, long PriorityBound, IReadOnlyList<string>? Conflict = null);

/// <summary>
/// Optimises the three objective levels in order, level after level: each level is solved with the previous levels
/// held at their proven optimum, starting from the previous level's schedule as a hint. The order therefore holds
/// strictly, with no weights to overflow.
/// </summary>
internal sealed class PhasedSolver
{
    private readonly ScheduleModel _model;
    private readonly SolveSettings _settings;
    private readonly IProgress<SolveProgress>? _progress;
    private readonly CancellationToken _cancellation;
    private readonly Stopwatch _clock;
    private readonly long _maxPriority;

    private readonly long _capacityBound;
    private readonly Dictionary<string, RequestCandidates> _byId;

    /// <param name="model">The whole model.</param>
    /// <param name="capacityBound">A priority bound from elsewhere (the capacity relaxation), if any.</param>
    /// <param name="settings">Settings of the solve.</param>
    /// <param name="progress">Receives improvements.</param>
    /// <param name="cancellation">Stops the search.</param>
    /// <param name="clock">Time since the solve began.</param>
    public PhasedSolver(ScheduleModel model, long? capacityBound, SolveSettings settings, IProgress<SolveProgress>? progress, CancellationToken cancellation, Stopwatch clock)
    {
        _model = model;
        _settings = settings;
        _progress = progress;
        _cancellation = cancellation;
        _clock = clock;
        _maxPriority = model.Requests.Values.Sum(v => (long)v.Candidates.Request.Priority);
        _byId = model.Requests.ToDictionary(r => r.Key, r => r.Value.Candidates, StringComparer.Ordinal);
        _capacityBound = CapacityCap(capacityBound, _maxPriority);
    }

    /// <summary>The share of the time limit the search may use; the rest is kept for explaining unscheduled requests.</summary>
    public const double SearchShare = 0.95;

    /// <summary>
    /// The share of the time limit level 1 may take as one model: where it is not proven by then, the schedule is
    /// improved neighbourhood by neighbourhood for the rest of the search's share, which moves on where one model's
    /// search (above all with one worker) stays at its first-fit hint.
    /// </summary>
    public const double PhaseOneShare = 0.6;

    public PhasedResult Solve()
    {
        var model = _model.Model;
        var firstFitBook = FirstFitHeuristic.PlaceKeepingLinks([.. _model.Requests.Values.Select(v => v.Candidates)]);
        var firstFit = firstFitBook is null ? null : Solution.FromPlacements(_model, firstFitBook.Placements);
        var firstFitPriority = firstFit is null ? 0 : Priority(firstFit);
        if (firstFit is not null)
        {
            firstFit.AddAsHint(_model);
            _progress?.Report(new SolveProgress(Duration.FromTimeSpan(_clock.Elapsed), firstFitPriority, _capacityBound, 1));
        }

        model.Maximize(_model.PriorityObjective);
        var (status, solution, value, bound) = RunPhase(1, firstFitPriority, 0);
        if (status == CpSolverStatus.Infeasible)
        {
            return new(ScheduleStatus.Infeasible, null, 0);
        }

        if (firstFit is not null && KeepFirstFit(status, solution is not null, firstFitPriority, value))
        {
            // The search ran out of time below the first-fit schedule: never return less than it.
            (solution, value) = (firstFit, firstFitPriority);
        }

        if (solution is null)
        {
            return new(ScheduleStatus.NoSolutionFound, null, bound);
        }

        var priority = value;

        var levelOneProven = LevelOneProven(status, value, _maxPriority);
        var priorityBound = LevelOneBound(levelOneProven, value, bound, _capacityBound, _maxPriority);
        if (!levelOneProven)
        {
            return new(ScheduleStatus.Feasible, _model.ToPlacements(solution), priorityBound);
        }

        model.Add(_model.PriorityObjective >= priority);
        model.Minimize(_model.CostObjective);
        solution.AddAsHint(_model);
        var (status2, solution2, waiting, _) = RunPhase(2, priority, priorityBound);
        if (status2 != CpSolverStatus.Optimal)
        {
            return new(ScheduleStatus.Feasible, _model.ToPlacements(solution2 ?? solution), priorityBound);
        }

        model.Add(_model.CostObjective <= waiting);
        model.Maximize(_model.PreferenceObjective);
        solution2!.AddAsHint(_model);
        var (status3, solution3, _, _) = RunPhase(3, priority, priorityBound);
        return status3 == CpSolverStatus.Optimal
            ? new(ScheduleStatus.Optimal, _model.ToPlacements(solution3!), priorityBound)
            : new(ScheduleStatus.Feasible, _model.ToPlacements(solution3 ?? solution2), priorityBound);
    }

    /// <summary>A bound from elsewhere (the capacity relaxation) cut to the total priority of the requests that could be booked.</summary>
    internal static long CapacityCap(long? capacityBound, long maxPriority) => Math.Min(maxPriority, capacityBound ?? maxPriority);

    /// <summary>Whether level 1 falls back to the first-fit schedule: the search was not proven and found no schedule, or a worse one (a tie keeps the search's).</summary>
    internal static bool KeepFirstFit(CpSolverStatus status, bool hasSolution, long firstFitPriority, long value) =>
        status != CpSolverStatus.Optimal && (!hasSolution || firstFitPriority > value);

    /// <summary>Level 1 is proven when the search says so or when every request that could be booked is booked.</summary>
    internal static bool LevelOneProven(CpSolverStatus status, long value, long maxPriority) => status == CpSolverStatus.Optimal || value >= maxPriority;

    /// <summary>
    /// The bound on booked priority after level 1: what is booked, once proven; otherwise the search's bound, cut to the
    /// capacity bound and never below what is booked. A search bound below the schedule in hand is no proof (the search
    /// stopped before it had one), so the total priority stands in for it.
    /// </summary>
    internal static long LevelOneBound(bool proven, long value, long searchBound, long capacityBound, long maxPriority) =>
        proven ? value : Math.Max(value, Math.Min(capacityBound, searchBound >= value ? searchBound : maxPriority));

    /// <summary>Until when (seconds since the solve began) a level may search: level 1 its share, the later levels the search's.</summary>
    internal static double PhaseUntil(int phase, double timeLimitSeconds) => timeLimitSeconds * (phase == 1 ? PhaseOneShare : SearchShare);

    private long Priority(Solution solution) =>
        _model.Requests.Values.Where(v => solution.IsTrue(v.Scheduled)).Sum(v => (long)v.Candidates.Request.Priority);

    /// <summary>Runs one level's search in what is left of its time.</summary>
    /// <returns>How it ended, its checked solution if any, that solution's objective value, and the bound on booked priority it shows (read in level 1 only).</returns>
    private (CpSolverStatus Status, Solution? Solution, long Value, long Bound) RunPhase(int phase, long priority, long priorityBound)
    {
        var remaining = PhaseUntil(phase, _settings.TimeLimit.TotalSeconds) - _clock.Elapsed.TotalSeconds;
        if (remaining <= 0 || _cancellation.IsCancellationRequested)
        {
            return NoSolution(CpSolverStatus.Unknown);
        }

        var callback = new ProgressCallback(phase, priority, priorityBound, _maxPriority, _progress, _clock);
        var answer = CpSatRunner.Solve(_model.Model, _settings.CpSat(remaining), CpSatCall.WholeModel, _settings.Monitor, callback, _cancellation);
        if (!answer.HasSolution)
        {
            return NoSolution(answer.Status);
        }

        // The values come from the checked solution, not from what the solver reports of it; and the schedule it
        // stands for must obey the problem's rules as the library's own checks read them.
        var solution = new Solution(_model, v => answer[v]);
        if (PlacementCheck.FirstViolation(_byId, _model.ToPlacements(solution)) is { } why)
        {
            _settings.Monitor.PlacementsDropped("the whole model", why);
            return NoSolution(CpSolverStatus.Unknown);
        }

        var value = (long)Math.Round(ModelEvaluator.Objective(_model.Model.Model, answer.Values!));
        return (answer.Status, solution, value, ClampedBound(answer.ObjectiveBound, _maxPriority));
    }

    /// <summary>
    /// A level that ends without a solution (not run, stopped before one, or its solution dropped) may not have reached
    /// a bound at all: only the trivial bound on priority, every request booked, is sure.
    /// </summary>
    private (CpSolverStatus Status, Solution? Solution, long Value, long Bound) NoSolution(CpSolverStatus status) =>
        (status, null, 0, _maxPriority);

    /// <summary>A priority bound as a whole number, never above the total priority of requests that could be booked.</summary>
    internal static long ClampedBound(double bound, long maxPriority) =>
        double.IsFinite(bound) ? Math.Min(maxPriority, (long)Math.Floor(bound + 1e-6)) : maxPriority;

    /// <summary>What level 1 reports as its search goes: the best schedule so far, each time it or the bound improves.</summary>
    /// <param name="priority">The priority in hand when the level starts.</param>
    internal sealed class LevelOneReports(long priority)
    {
        private long _priority = priority;
        private long _lastBound = long.MaxValue;

        /// <summary>The priority and bound to report for a new solution, or null when neither improved.</summary>
        public (long Priority, long Bound)? Next(long value, long bound)
        {
            if (value > _priority || bound < _lastBound)
            {
                _priority = Math.Max(_priority, value);
                _lastBound = bound;
                return (_priority, bound);
            }

            return null;
        }
    }

    private sealed class ProgressCallback : CpSolverSolutionCallback
    {
        private readonly int _phase;
        private readonly long _priority;
        private readonly long _priorityBound;
        private readonly LevelOneReports _levelOne;
        private readonly long _maxPriority;
        private readonly IProgress<SolveProgress>? _progress;
        private readonly Stopwatch _clock;

        public ProgressCallback(int phase, long priority, long priorityBound, long maxPriority, IProgress<SolveProgress>? progress, Stopwatch clock)
        {
            _phase = phase;
            _priority = priority;
            _levelOne = new LevelOneReports(priority);
            _priorityBound = priorityBound;
            _maxPriority = maxPriority;
            _progress = progress;
            _clock = clock;
        }

        public override void OnSolutionCallback()
        {
            if (_progress is null)
            {
                return;
            }

            var elapsed = Duration.FromTimeSpan(_clock.Elapsed);
            if (_phase != 1)
            {
                _progress.Report(new SolveProgress(elapsed, _priority, _priorityBound, _phase));
                return;
            }

            if (_levelOne.Next((long)Math.Round(ObjectiveValue()), ClampedBound(BestObjectiveBound(), _maxPriority)) is var (best, bound))
            {
                _progress.Report(new SolveProgress(elapsed, best, bound, 1));
            }
        }
    }
}
