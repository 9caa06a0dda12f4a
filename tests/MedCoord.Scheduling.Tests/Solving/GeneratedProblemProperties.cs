using FsCheck;
using FsCheck.Xunit;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>Properties over generated multi-facility problems with DST inside the horizon.</summary>
public sealed class GeneratedProblemProperties
{
    [Property(MaxTest = 25)]
    public void Solve_SmallGeneratedProblem_ObeysEveryHardRuleAndAccountsForEveryRequest(NonNegativeInt seed, PositiveInt size)
    {
        var problem = RandomProblems.Create(seed.Get, 5 + (size.Get % 30));

        var schedule = TestProblems.SolveVerified(problem, new SolveOptions(Duration.FromSeconds(10), 2, 0));

        Assert.Contains(schedule.Status, new[] { ScheduleStatus.Optimal, ScheduleStatus.Feasible });
        Assert.Equal(problem.Requests.Count, schedule.Assignments.Count + schedule.Unscheduled.Count);
        Assert.True(schedule.Objective.UpperBound >= schedule.Objective.ScheduledPriority);
    }

    [Property(MaxTest = 25)]
    public void Solve_SmallGeneratedProblem_NeverBelowFirstFit(NonNegativeInt seed, PositiveInt size)
    {
        var problem = RandomProblems.Create(seed.Get, 5 + (size.Get % 30), withFixed: false);
        var baseline = FirstFit.Schedule(problem);
        Assert.Empty(ScheduleVerifier.Violations(problem, WithEveryRequest(problem, baseline)));

        var schedule = TestProblems.SolveVerified(problem, new SolveOptions(Duration.FromSeconds(10), 2, 0));

        Assert.True(schedule.Objective.ScheduledPriority >= baseline.Sum(a => problem.Requests.First(r => r.Id == a.RequestId).Priority));
    }

    [Theory]
    [InlineData(11, 100)]
    [InlineData(12, 250)]
    [InlineData(13, 500)]
    public void Solve_LargeGeneratedProblem_VerifiesAndBeatsFirstFit(int seed, int requests)
    {
        var problem = RandomProblems.Create(seed, requests);
        var baseline = FirstFit.Schedule(problem);

        var schedule = TestProblems.SolveVerified(problem, new SolveOptions(Duration.FromSeconds(20), 2, 0));

        Assert.Equal(requests, schedule.Assignments.Count + schedule.Unscheduled.Count);
        Assert.True(schedule.Objective.ScheduledPriority >= baseline.Sum(a => problem.Requests.First(r => r.Id == a.RequestId).Priority));
    }

    /// <summary>The first-fit booking as a schedule, so that the verifier can check the baseline itself.</summary>
    private static Schedule WithEveryRequest(Problem problem, IReadOnlyList<Assignment> assignments) =>
        new(ScheduleStatus.Feasible, new ScheduleObjective(0, 0, 0), assignments,
            [.. problem.Requests.Where(r => assignments.All(a => a.RequestId != r.Id)).Select(r => new UnscheduledRequest(r.Id, UnscheduledReason.CapacityTaken, "first fit"))],
            new SolveStats(0, 1, 0));
}
