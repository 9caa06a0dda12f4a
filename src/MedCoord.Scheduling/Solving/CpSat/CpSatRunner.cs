using System.Globalization;
using Google.OrTools.Sat;
using Microsoft.Extensions.Logging;

namespace MedCoord.Scheduling.Solving.CpSat;

/// <summary>Which of the library's CP-SAT calls is running: named in logs and in what a dropped answer reports.</summary>
internal enum CpSatCall
{
    /// <summary>A level of the whole-problem model.</summary>
    WholeModel,

    /// <summary>A neighbourhood's sub-problem.</summary>
    Neighbourhood,

    /// <summary>Whether a linked request or a series could be booked on an empty calendar.</summary>
    FitsAlone,

    /// <summary>The search for fixed bookings that already conflict.</summary>
    FixedConflict,
}

/// <summary>The limits of one CP-SAT call.</summary>
/// <param name="Seconds">Wall time.</param>
/// <param name="Workers">Search workers.</param>
/// <param name="Seed">Random seed.</param>
/// <param name="Conservative">Presolve off: slower, but none of presolve's reductions can go wrong.</param>
internal sealed record CpSatLimits(double Seconds, int Workers = 1, int Seed = 0, bool Conservative = false);

/// <summary>A CP-SAT answer the library has checked.</summary>
/// <param name="Status">
/// The status, where the answer passed the checks: a solution that breaks the model is dropped and reported as
/// <see cref="CpSolverStatus.Unknown"/>, and an infeasibility claim holds only when presolve-off solving agrees.
/// </param>
/// <param name="Values">Every variable's value, by index, when there is a checked solution.</param>
/// <param name="ObjectiveBound">The best objective bound the search proved, when it has a solution.</param>
/// <param name="Solver">The solver that gave the answer (for assumptions).</param>
/// <param name="Dropped">Whether a solution of this call was dropped (the answer is then the conservative retry's, if any).</param>
internal sealed record CpSatAnswer(CpSolverStatus Status, long[]? Values, double ObjectiveBound, CpSolver Solver, bool Dropped = false)
{
    public bool HasSolution => Values is not null;

    public long this[IntVar variable] => Values![variable.GetIndex()];

    public bool IsTrue(BoolVar literal) => Values![literal.GetIndex()] == 1;
}

/// <summary>
/// Every CP-SAT call of the library goes through here: its parameters are made in one place, and its answer is checked
/// before anything uses it. OR-Tools 9.15's presolve can abort the process or return a solution that breaks the model
/// (see the reproduction in the tests' data): its dual reductions — a day literal found "removable" from its
/// enforcement once probing has fixed the booking — are undone wrongly in postsolve, leaving a booked request on no
/// day. The parameters below switch those reductions off
/// (<c>keep_all_feasible_solutions_in_presolve</c>) and skip probing in presolve (<c>cp_model_probing_level:0</c>);
/// the conservative parameters switch presolve off altogether.
/// </summary>
internal static class CpSatRunner
{
    /// <summary>The parameters of a call, and the only place they are written.</summary>
    public static string Parameters(CpSatLimits limits)
    {
        var seconds = Math.Max(0.001, limits.Seconds);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"max_time_in_seconds:{seconds:0.###} num_workers:{Math.Max(1, limits.Workers)} random_seed:{limits.Seed} cp_model_probing_level:0 keep_all_feasible_solutions_in_presolve:true");
        return limits.Conservative ? text + " cp_model_presolve:false" : text;
    }

    /// <summary>
    /// Solves and checks the answer: a solution is evaluated against the model (<see cref="ModelEvaluator"/>) and,
    /// if it breaks it, dropped and the model solved once more with presolve off in the time left; an infeasibility
    /// claim is re-solved with presolve off likewise and stands only if that agrees. Every drop is counted in
    /// <paramref name="monitor"/> and logged.
    /// </summary>
    /// <param name="model">The model (with its objective, hints and assumptions).</param>
    /// <param name="limits">Time, workers, seed and whether to run conservatively.</param>
    /// <param name="call">Which call this is, for the log.</param>
    /// <param name="monitor">Counts drops and logs them; none in checks that have no solve to report to.</param>
    /// <param name="callback">Receives intermediate solutions; kept alive until the solve returns.</param>
    /// <param name="cancellationToken">Stops the search.</param>
    public static CpSatAnswer Solve(CpModel model, CpSatLimits limits, CpSatCall call, SolveMonitor? monitor, CpSolverSolutionCallback? callback = null,
        CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var answer = SolveOnce(model, limits, call, monitor, callback, cancellationToken);
        if (answer.Dropped && !limits.Conservative)
        {
            var left = limits.Seconds - started.Elapsed.TotalSeconds;
            return left > 0 && !cancellationToken.IsCancellationRequested
                ? SolveOnce(model, limits with { Seconds = left, Conservative = true }, call, monitor, callback, cancellationToken) with { Dropped = true }
                : answer;
        }

        if (answer.Status == CpSolverStatus.Infeasible && !limits.Conservative && !cancellationToken.IsCancellationRequested)
        {
            // Presolve's reductions could have cut every solution: confirm with presolve off before anything relies on it.
            var left = limits.Seconds - started.Elapsed.TotalSeconds;
            var confirmed = left > 0 ? SolveOnce(model, limits with { Seconds = left, Conservative = true }, call, monitor, null, cancellationToken) : null;
            if (confirmed?.Status != CpSolverStatus.Infeasible)
            {
                monitor?.InfeasibilityUnconfirmed(call);
                return confirmed is { HasSolution: true } ? confirmed : answer with { Status = CpSolverStatus.Unknown };
            }
        }

        return answer;
    }

    private static CpSatAnswer SolveOnce(CpModel model, CpSatLimits limits, CpSatCall call, SolveMonitor? monitor, CpSolverSolutionCallback? callback,
        CancellationToken cancellationToken)
    {
        var solver = new CpSolver { StringParameters = Parameters(limits) };
        if (cancellationToken.IsCancellationRequested)
        {
            // StopSearch has no effect before the solve starts: a call made after a cancellation does not start.
            return new CpSatAnswer(CpSolverStatus.Unknown, null, double.NaN, solver);
        }

        CpSolverStatus status;
        using (cancellationToken.Register(solver.StopSearch))
        {
            status = callback is null ? solver.Solve(model) : solver.Solve(model, callback);
            GC.KeepAlive(callback);
        }

        if (status == CpSolverStatus.ModelInvalid)
        {
            throw new InvalidOperationException($"The {call} model is invalid (a fault of the library, not of the problem).");
        }

        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
        {
            return new CpSatAnswer(status, null, double.NaN, solver);
        }

        var values = solver.Response?.Solution.ToArray() ?? [];
        string? violation;
        try
        {
            violation = ModelEvaluator.FirstViolation(model.Model, values);
        }
        catch (OverflowException)
        {
            violation = "a sum overflows";
        }

        if (violation is not null)
        {
            monitor?.Dropped(call, violation);
            return new CpSatAnswer(CpSolverStatus.Unknown, null, double.NaN, solver, Dropped: true);
        }

        return new CpSatAnswer(status, values, solver.BestObjectiveBound, solver);
    }
}

/// <summary>
/// What one solve saw go wrong and set right: CP-SAT answers and placements dropped because they broke a rule, and
/// infeasibility claims that presolve-off solving did not confirm. Thread safe: neighbourhoods solved side by side
/// report to it at once. Logs ids and rule names only.
/// </summary>
internal sealed class SolveMonitor
{
    private readonly ILogger _logger;
    private int _dropped;

    public SolveMonitor(ILogger logger) => _logger = logger;

    /// <summary>Gets how many solutions or placements were dropped.</summary>
    public int DroppedSolutions => Volatile.Read(ref _dropped);

    /// <summary>A CP-SAT solution broke its model and was dropped; the log names the constraint or variable by index only (values are times of appointments).</summary>
    public void Dropped(CpSatCall call, string violation)
    {
        Interlocked.Increment(ref _dropped);
        Log.SolutionDropped(_logger, call, violation.Split(':')[0]);
    }

    /// <summary>Placements broke a rule of the problem and were dropped.</summary>
    public void PlacementsDropped(string source, string violation)
    {
        Interlocked.Increment(ref _dropped);
        Log.PlacementsDropped(_logger, source, violation);
    }

    /// <summary>Presolve-off solving did not confirm an infeasibility claim.</summary>
    public void InfeasibilityUnconfirmed(CpSatCall call)
    {
        Interlocked.Increment(ref _dropped);
        Log.InfeasibilityUnconfirmed(_logger, call);
    }
}

/// <summary>The scheduler's log events.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, EventName = "SolutionDropped", Level = LogLevel.Warning,
        Message = "A CP-SAT solution of the {Call} call broke its model and was dropped: {Violation}")]
    public static partial void SolutionDropped(ILogger logger, CpSatCall call, string violation);

    [LoggerMessage(EventId = 1002, EventName = "PlacementsDropped", Level = LogLevel.Warning,
        Message = "Placements from {Source} broke a rule of the problem and were dropped: {Violation}")]
    public static partial void PlacementsDropped(ILogger logger, string source, string violation);

    [LoggerMessage(EventId = 1003, EventName = "InfeasibilityUnconfirmed", Level = LogLevel.Warning,
        Message = "CP-SAT called the {Call} model infeasible, and solving it with presolve off did not confirm it; the claim was dropped")]
    public static partial void InfeasibilityUnconfirmed(ILogger logger, CpSatCall call);

    [LoggerMessage(EventId = 1004, EventName = "SolveFinished", Level = LogLevel.Information,
        Message = "Solve finished: {Status}, {Booked} of {Requests} requests booked, {Dropped} answers dropped, {Seconds} s")]
    public static partial void SolveFinished(ILogger logger, string status, int booked, int requests, int dropped, double seconds);
}
