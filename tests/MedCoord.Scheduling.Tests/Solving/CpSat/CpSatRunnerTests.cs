using Google.OrTools.Sat;
using MedCoord.Scheduling.Solving.CpSat;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace MedCoord.Scheduling.Tests.Solving.CpSat;

/// <summary>Every CP-SAT call's parameters come from one place, and its answers are checked before use.</summary>
public sealed class CpSatRunnerTests
{
    /// <summary>
    /// A 14-variable model the library built in a fits-alone check of a valid 500-request problem. With CP-SAT's
    /// default presolve it aborts the process ("Infeasible solution!", exit 134); with some settings it returns a
    /// solution that books the request on no day.
    /// </summary>
    private static CpModel Reproduction()
    {
        var proto = CpModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "cpsat-presolve-crash.pb")));
        var model = new CpModel();
        model.Model.MergeFrom(proto);
        return model;
    }

    public static TheoryData<int, int, bool> Runs() => new()
    {
        { 1, 0, false }, { 1, 7, false }, { 2, 0, false }, { 2, 3, false }, { 1, 0, true }, { 2, 5, true },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Solve_PresolveCrashReproduction_ReturnsAnOptimalAnswerThatKeepsEveryConstraint(int workers, int seed, bool conservative)
    {
        var model = Reproduction();
        var monitor = new SolveMonitor(NullLogger.Instance);

        var answer = CpSatRunner.Solve(model, new CpSatLimits(10, workers, seed, conservative), CpSatCall.FitsAlone, monitor);

        Assert.Equal(CpSolverStatus.Optimal, answer.Status);
        Assert.False(answer.Dropped);
        Assert.Equal(0, monitor.DroppedSolutions);
        Assert.Null(ModelEvaluator.FirstViolation(model.Model, answer.Values!));

        // What the broken presolve lost, checked by hand: each booked request stands on exactly one of its days.
        var values = answer.Values!;
        var variables = model.Model.Variables;
        foreach (var request in new[] { "req-00171", "req-00172" })
        {
            var scheduled = values[Index(variables, $"scheduled[{request}]")];
            var days = Enumerable.Range(0, variables.Count).Where(i => variables[i].Name.StartsWith($"day[{request},", StringComparison.Ordinal)).Sum(i => values[i]);
            Assert.Equal(scheduled, days);
        }
    }

    [Fact]
    public void Parameters_ComeFromOnePlace_WithTheSettingsThatAvoidThePresolveFault()
    {
        var safe = CpSatRunner.Parameters(new CpSatLimits(1.5, 3, 42));
        var conservative = CpSatRunner.Parameters(new CpSatLimits(0.25, 1, 0, Conservative: true));

        Assert.Equal("max_time_in_seconds:1.5 num_workers:3 random_seed:42 cp_model_probing_level:0 keep_all_feasible_solutions_in_presolve:true", safe);
        Assert.Equal("max_time_in_seconds:0.25 num_workers:1 random_seed:0 cp_model_probing_level:0 keep_all_feasible_solutions_in_presolve:true cp_model_presolve:false", conservative);
        Assert.StartsWith("max_time_in_seconds:0.001 num_workers:1 ", CpSatRunner.Parameters(new CpSatLimits(-2, 0)), StringComparison.Ordinal);
    }

    [Fact]
    public void Solve_InfeasibleModel_IsConfirmedWithPresolveOff()
    {
        var model = new CpModel();
        var x = model.NewIntVar(0, 10, "x");
        model.Add(x > 5);
        model.Add(x < 3);
        var monitor = new SolveMonitor(NullLogger.Instance);

        var answer = CpSatRunner.Solve(model, new CpSatLimits(5), CpSatCall.FixedConflict, monitor);

        Assert.Equal(CpSolverStatus.Infeasible, answer.Status);
        Assert.False(answer.HasSolution);
        Assert.Equal(0, monitor.DroppedSolutions);
    }

    [Fact]
    public void Solve_InvalidModel_ThrowsNamingTheCall()
    {
        var model = new CpModel();
        var x = model.NewIntVar(0, 10, "x");
        model.Add(x >= 0);
        model.Model.Constraints[0].Linear.Vars[0] = 5;   // a variable that does not exist

        var error = Assert.Throws<InvalidOperationException>(() => CpSatRunner.Solve(model, new CpSatLimits(1), CpSatCall.WholeModel, null));

        Assert.Equal("The WholeModel model is invalid (a fault of the library, not of the problem).", error.Message);
    }

    [Fact]
    public void Solve_Cancelled_StopsAndReturnsTheCheckedSolutionSoFar()
    {
        var model = new CpModel();
        var xs = Enumerable.Range(0, 40).Select(i => model.NewIntVar(0, 1000, $"x{i}")).ToList();
        for (var i = 1; i < xs.Count; i++)
        {
            model.Add(xs[i] != xs[i - 1]);
        }

        model.Maximize(LinearExpr.Sum(xs));
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        var answer = CpSatRunner.Solve(model, new CpSatLimits(30), CpSatCall.WholeModel, null, cancellationToken: cancellation.Token);

        Assert.True(answer.Status is CpSolverStatus.Unknown or CpSolverStatus.Feasible or CpSolverStatus.Optimal);
        if (answer.HasSolution)
        {
            Assert.Null(ModelEvaluator.FirstViolation(model.Model, answer.Values!));
        }
    }

    private static int Index(Google.Protobuf.Collections.RepeatedField<IntegerVariableProto> variables, string name) =>
        Enumerable.Range(0, variables.Count).Single(i => variables[i].Name == name);
    /// <summary>All-different is a kind the evaluator does not check, so every solution of this model is dropped.</summary>
    private static CpModel Unchecked()
    {
        var model = new CpModel();
        model.AddAllDifferent(Enumerable.Range(0, 3).Select(i => model.NewIntVar(0, 5, $"x{i}")));
        return model;
    }

    [Fact]
    public void Solve_SolutionThatFailsTheCheck_IsDroppedAndSolvedOnceMoreWithPresolveOff()
    {
        var logger = new ListLogger();
        var monitor = new SolveMonitor(logger);

        var answer = CpSatRunner.Solve(Unchecked(), new CpSatLimits(5, Seed: 3), CpSatCall.Neighbourhood, monitor);

        Assert.Equal(CpSolverStatus.Unknown, answer.Status);
        Assert.False(answer.HasSolution);
        Assert.True(answer.Dropped);
        Assert.True(double.IsNaN(answer.ObjectiveBound));
        Assert.Equal(2, monitor.DroppedSolutions);
        Assert.Equal(
            Enumerable.Repeat("A CP-SAT solution of the Neighbourhood call broke its model and was dropped: constraint 0 (AllDiff)", 2),
            logger.Entries.Select(e => e.Message));

        // The answer is the retry's: presolve off, the same seed, in what was left of the five seconds.
        var retry = answer.Solver.StringParameters;
        Assert.EndsWith(" num_workers:1 random_seed:3 cp_model_probing_level:0 keep_all_feasible_solutions_in_presolve:true cp_model_presolve:false", retry, StringComparison.Ordinal);
        var seconds = double.Parse(retry!.Split(' ')[0]["max_time_in_seconds:".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 0.001, 5);
    }

    [Fact]
    public void Solve_ConservativeCallWhoseSolutionFailsTheCheck_IsDroppedWithoutARetry()
    {
        var monitor = new SolveMonitor(NullLogger.Instance);

        var answer = CpSatRunner.Solve(Unchecked(), new CpSatLimits(5, Conservative: true), CpSatCall.WholeModel, monitor);

        Assert.Equal((CpSolverStatus.Unknown, false, true), (answer.Status, answer.HasSolution, answer.Dropped));
        Assert.Equal(1, monitor.DroppedSolutions);
    }

    [Fact]
    public void Solve_SolutionDroppedAfterTheTimeIsUp_IsNotRetried()
    {
        var monitor = new SolveMonitor(NullLogger.Instance);

        // The callback holds the solver past its second, so no time is left for a retry.
        var answer = CpSatRunner.Solve(Unchecked(), new CpSatLimits(1), CpSatCall.WholeModel, monitor, new OnSolution(() => Thread.Sleep(1100)));

        Assert.Equal((CpSolverStatus.Unknown, false, true), (answer.Status, answer.HasSolution, answer.Dropped));
        Assert.Equal(1, monitor.DroppedSolutions);
        Assert.DoesNotContain("cp_model_presolve:false", answer.Solver.StringParameters, StringComparison.Ordinal);
    }

    [Fact]
    public void Solve_SolutionDroppedAfterACancellation_IsNotRetried()
    {
        var monitor = new SolveMonitor(NullLogger.Instance);
        using var cancellation = new CancellationTokenSource();

        var answer = CpSatRunner.Solve(Unchecked(), new CpSatLimits(5), CpSatCall.WholeModel, monitor, new OnSolution(cancellation.Cancel), cancellation.Token);

        Assert.True(cancellation.IsCancellationRequested);
        Assert.Equal((CpSolverStatus.Unknown, false, true), (answer.Status, answer.HasSolution, answer.Dropped));
        Assert.Equal(1, monitor.DroppedSolutions);
        Assert.DoesNotContain("cp_model_presolve:false", answer.Solver.StringParameters, StringComparison.Ordinal);
    }

    [Fact]
    public void Solve_CancelledBeforeItStarts_DoesNotSolve()
    {
        var model = new CpModel();
        model.NewIntVar(0, 10, "x");
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var calls = 0;

        var answer = CpSatRunner.Solve(model, new CpSatLimits(5), CpSatCall.WholeModel, null, new OnSolution(() => calls++), cancellation.Token);

        Assert.Equal((CpSolverStatus.Unknown, false, false), (answer.Status, answer.HasSolution, answer.Dropped));
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Solve_FeasibleModel_ReturnsTheCheckedValuesAndTheBound()
    {
        var model = new CpModel();
        var (x, y, big, spare) = (model.NewIntVar(0, 10, "x"), model.NewIntVar(0, 10, "y"), model.NewBoolVar("big"), model.NewBoolVar("spare"));
        model.Add(x + y <= 12);
        model.Add(x >= 8).OnlyEnforceIf(big);
        model.Maximize((3 * x) + (2 * y) + big - spare);
        var monitor = new SolveMonitor(NullLogger.Instance);

        var answer = CpSatRunner.Solve(model, new CpSatLimits(5), CpSatCall.WholeModel, monitor);

        Assert.Equal(CpSolverStatus.Optimal, answer.Status);
        Assert.Equal([10L, 2L, 1L, 0L], answer.Values!);
        Assert.Equal(10, answer[x]);
        Assert.True(answer.IsTrue(big));
        Assert.False(answer.IsTrue(spare));
        Assert.Equal(35, answer.ObjectiveBound);
        Assert.False(answer.Dropped);
        Assert.Equal(0, monitor.DroppedSolutions);
    }

    [Fact]
    public void Solve_InfeasibilityPresolveOffCannotConfirmInTheTimeLeft_IsNotClaimed()
    {
        // Presolve sees at once that an even sum cannot be odd; a search with presolve off cannot prove it in the second.
        var model = new CpModel();
        var xs = Enumerable.Range(0, 30).Select(i => model.NewIntVar(0, 1000, $"x{i}")).ToList();
        model.Add(LinearExpr.WeightedSum(xs, Enumerable.Repeat(2L, xs.Count)) == 1001);
        var logger = new ListLogger();
        var monitor = new SolveMonitor(logger);

        var answer = CpSatRunner.Solve(model, new CpSatLimits(1), CpSatCall.FixedConflict, monitor);

        Assert.Equal(CpSolverStatus.Unknown, answer.Status);
        Assert.False(answer.HasSolution);
        Assert.Equal(1, monitor.DroppedSolutions);
        Assert.DoesNotContain("cp_model_presolve:false", answer.Solver.StringParameters, StringComparison.Ordinal);   // the first call's answer, its claim withdrawn
        var entry = Assert.Single(logger.Entries);
        Assert.Equal((1003, "CP-SAT called the FixedConflict model infeasible, and solving it with presolve off did not confirm it; the claim was dropped"), (entry.Id.Id, entry.Message));
    }

    [Fact]
    public void Monitor_DroppedPlacements_AreCountedAndLoggedWithTheirSource()
    {
        var logger = new ListLogger();
        var monitor = new SolveMonitor(logger);

        monitor.PlacementsDropped("the search", "request 'r2' overlaps another booking");
        monitor.PlacementsDropped("a neighbourhood", "series 's' is not booked whole at its cadence");

        Assert.Equal(2, monitor.DroppedSolutions);
        Assert.Equal(
            [(1002, "Placements from the search broke a rule of the problem and were dropped: request 'r2' overlaps another booking"),
             (1002, "Placements from a neighbourhood broke a rule of the problem and were dropped: series 's' is not booked whole at its cadence")],
            logger.Entries.Select(e => (e.Id.Id, e.Message)));
    }

    private sealed class OnSolution(Action action) : CpSolverSolutionCallback
    {
        public override void OnSolutionCallback() => action();
    }

    private sealed class ListLogger : ILogger
    {
        public List<(EventId Id, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId, formatter(state, exception)));
    }
}
