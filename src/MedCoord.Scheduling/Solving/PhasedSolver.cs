using System.Diagnostics;
using System.Globalization;
using Google.OrTools.Sat;
using MedCoord.Scheduling.Results;
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
internal sealed record SolveSettings(Duration TimeLimit, int Workers, int Seed);

/// <summary>What the phased search produced.</summary>
internal sealed record PhasedResult(ScheduleStatus Status, Solution? Solution, long PriorityBound);

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

    public PhasedSolver(ScheduleModel model, SolveSettings settings, IProgress<SolveProgress>? progress, CancellationToken cancellation, Stopwatch clock)
    {
        _model = model;
        _settings = settings;
        _progress = progress;
        _cancellation = cancellation;
        _clock = clock;
    }

    public PhasedResult Solve()
    {
        var model = _model.Model;
        model.Maximize(_model.PriorityObjective);
        var (status, solution, value, bound) = RunPhase(1, 0, 0);
        if (status == CpSolverStatus.Infeasible)
        {
            return new(ScheduleStatus.Infeasible, null, 0);
        }

        if (solution is null)
        {
            return new(ScheduleStatus.NoSolutionFound, null, bound);
        }

        var priority = value;
        var priorityBound = status == CpSolverStatus.Optimal ? value : bound;
        if (status != CpSolverStatus.Optimal)
        {
            return new(ScheduleStatus.Feasible, solution, priorityBound);
        }

        model.Add(_model.PriorityObjective >= priority);
        model.Minimize(_model.WaitingObjective);
        solution.AddAsHint(_model);
        var (status2, solution2, waiting, _) = RunPhase(2, priority, priorityBound);
        if (status2 != CpSolverStatus.Optimal)
        {
            return new(ScheduleStatus.Feasible, solution2 ?? solution, priorityBound);
        }

        model.Add(_model.WaitingObjective <= waiting);
        model.Maximize(_model.PreferenceObjective);
        solution2!.AddAsHint(_model);
        var (status3, solution3, _, _) = RunPhase(3, priority, priorityBound);
        return status3 == CpSolverStatus.Optimal
            ? new(ScheduleStatus.Optimal, solution3, priorityBound)
            : new(ScheduleStatus.Feasible, solution3 ?? solution2, priorityBound);
    }

    private (CpSolverStatus Status, Solution? Solution, long Value, long Bound) RunPhase(int phase, long priority, long priorityBound)
    {
        var remaining = _settings.TimeLimit.TotalSeconds - _clock.Elapsed.TotalSeconds;
        if (remaining <= 0 || _cancellation.IsCancellationRequested)
        {
            return (CpSolverStatus.Unknown, null, 0, 0);
        }

        var solver = new CpSolver
        {
            StringParameters = string.Create(CultureInfo.InvariantCulture,
                $"max_time_in_seconds:{remaining:0.###} num_workers:{_settings.Workers} random_seed:{_settings.Seed} log_search_progress:false"),
        };
        var callback = new ProgressCallback(phase, priority, priorityBound, _progress, _clock);
        using var registration = _cancellation.Register(solver.StopSearch);
        var status = solver.Solve(_model.Model, callback);
        GC.KeepAlive(callback);
        if (status == CpSolverStatus.ModelInvalid)
        {
            throw new InvalidOperationException($"The scheduling model is invalid: {_model.Model.Validate()}");
        }

        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
        {
            return (status, null, 0, phase == 1 ? (long)Math.Floor(solver.BestObjectiveBound + 1e-6) : 0);
        }

        var solution = new Solution(_model, v => solver.Value(v));
        var value = (long)Math.Round(solver.ObjectiveValue);
        var bound = (long)Math.Floor(solver.BestObjectiveBound + 1e-6);
        return (status, solution, value, bound);
    }

    private sealed class ProgressCallback : CpSolverSolutionCallback
    {
        private readonly int _phase;
        private readonly long _priority;
        private readonly long _priorityBound;
        private readonly IProgress<SolveProgress>? _progress;
        private readonly Stopwatch _clock;

        public ProgressCallback(int phase, long priority, long priorityBound, IProgress<SolveProgress>? progress, Stopwatch clock)
        {
            _phase = phase;
            _priority = priority;
            _priorityBound = priorityBound;
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
            _progress.Report(_phase == 1
                ? new SolveProgress(elapsed, (long)Math.Round(ObjectiveValue()), (long)Math.Floor(BestObjectiveBound() + 1e-6), 1)
                : new SolveProgress(elapsed, _priority, _priorityBound, _phase));
        }
    }
}
