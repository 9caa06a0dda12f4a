using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Verification;

/// <summary>
/// A small run of the fuzz campaign (<c>scale fuzz</c> in the benchmarks runs the large one, each solve in its own
/// process): 30 generated problems of 5 to 30 requests across far zones and DST changes, each solved for 1 s on one
/// worker and checked for invalid schedules, false reasons, false optimality, non-maximal books and schedules below
/// first fit. And the checks themselves, on schedules a person can see are wrong.
/// </summary>
public sealed class FuzzTests
{
    private const int Seed = 1;

    [Fact]
    public void SmallCampaign_ThirtyProblems_NothingWrong()
    {
        // The first 30 problems of campaign seed 1 with at most 30 requests: the same problems as `scale fuzz --seed 1`.
        var indices = Enumerable.Range(0, 1000).Where(i => FuzzProblems.SizeOf(Seed, i) <= 30).Take(30).ToList();
        var findings = new System.Collections.Concurrent.ConcurrentBag<(int Index, FuzzFindings Findings)>();
        Parallel.ForEach(indices, new ParallelOptions { MaxDegreeOfParallelism = 2 }, index =>
        {
            var problem = ProblemFile.Parse(ProblemFile.Serialize(FuzzProblems.Create(Seed, index)));
            var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(1), 1, 0));
            findings.Add((index, FuzzCheck.Check(problem, schedule)));
        });

        var failing = findings.Where(f => f.Findings.Any).OrderBy(f => f.Index).ToList();
        Assert.True(failing.Count == 0, string.Join(Environment.NewLine,
            failing.Select(f => $"seed {Seed} index {f.Index}: {string.Join("; ", f.Findings.Details)}")));
    }

    [Fact]
    public void Create_SameSeedAndIndex_SameProblem()
    {
        Assert.Equal(ProblemFile.Serialize(FuzzProblems.Create(3, 17)), ProblemFile.Serialize(FuzzProblems.Create(3, 17)));
        Assert.NotEqual(ProblemFile.Serialize(FuzzProblems.Create(3, 17)), ProblemFile.Serialize(FuzzProblems.Create(3, 18)));
        Assert.Equal(FuzzProblems.Create(3, 17).Requests.Count, FuzzProblems.SizeOf(3, 17));

        // The same in every process: the campaign's index 10 of seed 1 has 27 requests (as `scale fuzz --seed 1` lists it).
        Assert.Equal(27, FuzzProblems.Create(1, 10).Requests.Count);
    }

    [Fact]
    public void Create_ManyIndices_ValidProblemsOverTheWholeRange()
    {
        var problems = Enumerable.Range(0, 40).Select(i => FuzzProblems.Create(5, i)).ToList();

        foreach (var problem in problems)
        {
            Assert.Empty(ProblemFile.TryParse(ProblemFile.Serialize(problem), out _));
        }

        Assert.InRange(problems.Min(p => p.Requests.Count), 5, 20);
        Assert.InRange(problems.Max(p => p.Requests.Count), 200, 600);
        Assert.Contains(problems, p => p.Series.Count > 0);
        Assert.Contains(problems, p => p.Fixed.Count > 0);
        Assert.Contains(problems, p => p.Patients.Any(x => x.Zone?.Id == "Pacific/Kiritimati"));
        Assert.Contains(problems, p => p.Patients.Any(x => x.Zone?.Id == "Pacific/Pago_Pago"));
        Assert.Contains(problems, p => p.Facilities.Any(f => f.Zone.Id == "Australia/Lord_Howe"));
    }

    private static Problem TwoHours() =>
        Problem("2026-12-07", "2026-12-07",
            [Facility("f", "America/New_York", Week("09:00", "17:00"))],
            [Room("room", "f", "exam")],
            [Provider("dr", "gp", "f", Week("09:00", "11:00"))],
            [Patient("p1"), Patient("p2")],
            [Type("visit", 60, "gp", ["exam"])],
            [Request("a", "p1", "visit", priority: 2), Request("b", "p2", "visit", priority: 1)]);

    private static Schedule OnlyA(Problem problem, ScheduleStatus status, UnscheduledReason reason, long bound)
    {
        var zone = problem.Facilities[0].Zone;
        var start = At("2026-12-07T09:00:00-05:00");
        var a = new Assignment("a", "p1", "dr", "room", "f", start.InZone(zone).ToOffsetDateTime(), (start + Duration.FromHours(1)).InZone(zone).ToOffsetDateTime());
        return new Schedule(status, new ScheduleObjective(2, bound, 0), [a], [new UnscheduledRequest("b", reason, "test")], new SolveStats(0, 1, 0));
    }

    [Fact]
    public void Check_WaitingRequestWithAFreeHour_NonMaximalFalseCapacityTakenAndBelowFirstFit()
    {
        var problem = TwoHours();

        var findings = FuzzCheck.Check(problem, OnlyA(problem, ScheduleStatus.Feasible, UnscheduledReason.CapacityTaken, 3));

        Assert.Equal((0, 1, 1, 0, 1), (findings.Invalid, findings.NonMaximal, findings.FalseReasons, findings.FalseOptimality, findings.BelowFirstFit));
    }

    [Fact]
    public void Check_NeverFitsReasonOnARequestThatFits_FalseReason()
    {
        var problem = TwoHours();

        var findings = FuzzCheck.Check(problem, OnlyA(problem, ScheduleStatus.Feasible, UnscheduledReason.NoQualifiedProvider, 3));

        Assert.Equal(1, findings.FalseReasons);
        Assert.Contains(findings.Details, d => d.StartsWith("false reason: b is NoQualifiedProvider", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_OptimalBelowTheOptimum_FalseOptimalityAndBelowFirstFit()
    {
        var problem = TwoHours();

        var findings = FuzzCheck.Check(problem, OnlyA(problem, ScheduleStatus.Optimal, UnscheduledReason.CapacityTaken, 2));

        Assert.Equal(1, findings.FalseOptimality);
        Assert.Equal(1, findings.BelowFirstFit);
        Assert.Contains(findings.Details, d => d.Contains("exhaustive optimum is 3", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_BothBooked_NothingWrong()
    {
        var problem = TwoHours();
        var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(1), 1, 0));

        var findings = FuzzCheck.Check(problem, schedule);

        Assert.False(findings.Any, string.Join("; ", findings.Details));
        Assert.Equal(2, schedule.Assignments.Count);
    }
}
