using Google.OrTools.Sat;
using MedCoord.Scheduling.Solving.CpSat;
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
}
