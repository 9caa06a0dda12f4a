using System.Text;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>
/// Optimal and bounds are claims: on tiny problems (far-zone patients at the horizon's edges among them) the exact
/// optimum found by exhaustive enumeration is compared with what the engine books, proves and bounds, and every
/// never-fits reason is checked by placing the request alone.
/// </summary>
public sealed class ExhaustiveOptimumTests
{
    private const int Seeds = 40;

    [Fact]
    public void Solve_TinyProblems_OptimalEqualsTheExhaustiveOptimumAndTheBoundCoversIt_EvenWhenCancelledAtOnce()
    {
        var failures = new StringBuilder();
        var decided = 0;
        var optimal = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var problem = RandomProblems.Tiny(seed);
            var best = ExhaustiveSearch.BestPriority(problem, maxSteps: 2_000_000);
            var schedule = TestProblems.SolveVerified(problem, new SolveOptions(Duration.FromSeconds(2), 1, 0));
            var cancelled = TestProblems.SolveVerified(problem, new SolveOptions(Duration.FromSeconds(2), 1, 0), cancelledBefore: true);
            foreach (var (how, solved) in new[] { ("solved", schedule), ("cancelled at once", cancelled) })
            {
                foreach (var claim in ReasonCheck.FalseClaims(problem, solved))
                {
                    failures.AppendLine($"seed {seed}, {how}: {claim}");
                }

                if (best is { } optimum)
                {
                    AppendFalseClaims(failures, $"seed {seed}, {how}", solved, optimum);
                }
            }

            if (best is null)
            {
                continue;
            }

            decided++;
            optimal += schedule.Status == ScheduleStatus.Optimal ? 1 : 0;
        }

        Assert.True(failures.Length == 0, failures.ToString());
        Assert.True(decided >= Seeds * 3 / 4, $"the exhaustive search decided only {decided} of {Seeds} problems");
        Assert.True(optimal >= decided / 2, $"only {optimal} of {decided} solves proved optimality");
    }

    /// <summary>A schedule's priority, bound and optimality against the exact optimum.</summary>
    private static void AppendFalseClaims(StringBuilder failures, string what, Schedule schedule, long optimum)
    {
        var booked = schedule.Objective.ScheduledPriority;
        if (booked > optimum)
        {
            failures.AppendLine($"{what}: books {booked}, above the exhaustive optimum {optimum}");
        }

        if (schedule.Objective.UpperBound < optimum)
        {
            failures.AppendLine($"{what}: upper bound {schedule.Objective.UpperBound} is below the exhaustive optimum {optimum}");
        }

        if (schedule.Status == ScheduleStatus.Optimal && booked != optimum)
        {
            failures.AppendLine($"{what}: Optimal with {booked}, the exhaustive optimum is {optimum}");
        }
    }

    [Fact]
    public void Solve_AucklandPatientsOnTheLastNewYorkFriday_BooksThemAndClaimsNoLowerBound()
    {
        // The case: Saturday 09:00-11:00 in Auckland is Friday 15:00-17:00 in New York, the horizon's last date.
        // Three such patients and a local one share one provider; the obvious schedule books everyone.
        var auckland = Enumerable.Range(1, 3).Select(i => new Patient($"akl-{i}", TestProblems.Zone("Pacific/Auckland"),
            [TestProblems.Week("09:00", "11:00", IsoDayOfWeek.Saturday)], [])).ToList();
        var problem = TestProblems.Problem("2026-12-07", "2026-12-11",
            [TestProblems.Facility("nyc", "America/New_York", TestProblems.Week("09:00", "17:00"))],
            [],
            [TestProblems.Provider("dr", "gp", "nyc", TestProblems.Week("09:00", "17:00"))],
            [.. auckland, TestProblems.Patient("local")],
            [TestProblems.Type("tele", 40, "gp")],
            [
                TestProblems.Request("a1", "akl-1", "tele", priority: 5), TestProblems.Request("a2", "akl-2", "tele", priority: 5),
                TestProblems.Request("a3", "akl-3", "tele", priority: 5), TestProblems.Request("l1", "local", "tele", "2026-12-11", "2026-12-11", priority: 2),
            ]);

        var schedule = TestProblems.SolveVerified(problem, TestProblems.Quick(2));

        Assert.Equal(17, ExhaustiveSearch.BestPriority(problem));
        Assert.Equal(ScheduleStatus.Optimal, schedule.Status);
        Assert.Equal(17, schedule.Objective.ScheduledPriority);
        Assert.Equal(17, schedule.Objective.UpperBound);
        Assert.Empty(ReasonCheck.FalseClaims(problem, schedule));
    }
}

