namespace MedCoord.Scheduling.Tests.Verification;

/// <summary>
/// Sixteen solves at once in one process, three rounds (what google/or-tools #1958 reported as heap corruption:
/// separate models solved on separate threads, with solution callbacks, while the GC runs); every schedule verified.
/// <c>scale concurrent</c> in the benchmarks does the same with clinic-sized problems.
/// </summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public void Solve_SixteenAtOnceThreeRounds_EveryScheduleValid()
    {
        var results = ConcurrentSolves.Run(
            round => [.. Enumerable.Range(0, 16).Select(i => FuzzProblems.Create(100 + round, i, maxRequests: 20))],
            rounds: 3,
            new SolveOptions(Duration.FromSeconds(1), 1, 0));

        Assert.Equal(48, results.Count);
        Assert.All(results, r => Assert.True(r.Violations.Count == 0, $"round {r.Round} solve {r.Index}: {string.Join("; ", r.Violations)}"));
        Assert.All(results.Where(r => !r.Cancelled), r => Assert.True(r.Status is ScheduleStatus.Optimal or ScheduleStatus.Feasible, $"round {r.Round} solve {r.Index}: {r.Status}"));
        Assert.Contains(results, r => r.Cancelled);
        Assert.True(results.Sum(r => r.Progress) > 0, "no solution callback reported progress");
    }
}
