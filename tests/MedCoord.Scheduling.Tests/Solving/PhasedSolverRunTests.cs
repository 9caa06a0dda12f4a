using System.Diagnostics;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The phased solver run on whole models: the hint it starts from, what it reports, and what it does with no time left.</summary>
public sealed class PhasedSolverRunTests
{
    /// <summary>First fit books the urgent visit at 09:00, which leaves no hour for p-early's long visit; the optimum books both.</summary>
    private static Problem Repair() =>
        Problem("2026-03-02", "2026-03-02",
            [Facility("clinic", "Europe/Berlin", Week("09:00", "10:30"))], [],
            [Provider("dr", "gp", "clinic", Week("09:00", "10:30"))],
            [Patient("p-any"), new Patient("p-early", Zone("Europe/Berlin"), [Week("09:00", "10:00")], [])],
            [Type("short", 30, "gp"), Type("long", 60, "gp")],
            [Request("urgent", "p-any", "short", priority: 3), Request("routine", "p-early", "long", priority: 2)]);

    private static PhasedSolver Solver(Problem problem, Duration limit, Stopwatch clock, IProgress<SolveProgress>? progress = null, long? capacityBound = null) =>
        new(new ScheduleModel(RequestCandidates.Build(new Calendar(problem))), capacityBound, new SolveSettings(limit, 1, 0), progress, CancellationToken.None, clock);

    [Fact]
    public void Solve_ReportsTheFirstFitScheduleFirst_ThenEachBetterOneLevelOneFinds()
    {
        var progress = new ProgressLog();

        var result = Solver(Repair(), Duration.FromSeconds(10), Stopwatch.StartNew(), progress, capacityBound: 5).Solve();

        Assert.Equal(ScheduleStatus.Optimal, result.Status);
        var first = progress.Reports[0];
        Assert.Equal((3L, 5L, 1), (first.ScheduledPriority, first.UpperBound, first.Phase));
        Assert.Contains(progress.Reports, r => r.Phase == 1 && r.ScheduledPriority == 5);
    }

    [Fact]
    public void Solve_WithNoTimeLeftForAnyLevel_RunsNoSearch_AndReturnsTheFirstFitScheduleAsFeasible()
    {
        var clock = Stopwatch.StartNew();
        Thread.Sleep(150);
        var progress = new ProgressLog();

        var result = Solver(Repair(), Duration.FromMilliseconds(100), clock, progress).Solve();

        Assert.Equal(ScheduleStatus.Feasible, result.Status);
        Assert.Equal(["urgent"], result.Placements!.Keys);
        Assert.Equal(5, result.PriorityBound);
        var only = Assert.Single(progress.Reports);
        Assert.Equal((3L, 5L, 1), (only.ScheduledPriority, only.UpperBound, only.Phase));
    }

    [Fact]
    public void FromPlacements_SetsTheOneDayAndOffsetStretchHoldingAStart_AtTheirFirstMinute()
    {
        // Open around the clock in Paris; "days" may come on three dates (a literal each), "long" over twenty across the
        // change to summer time (an offset stretch each side).
        var problem = Problem("2026-03-20", "2026-04-10",
            [Facility("main", "Europe/Paris", Week("00:00", "24:00"))], [],
            [Provider("dr", "gp", "main", Week("00:00", "24:00"))],
            [Patient("p1"), Patient("p2")],
            [Type("visit", 30, "gp")],
            [Request("days", "p1", "visit", "2026-03-20", "2026-03-22"), Request("long", "p2", "visit", "2026-03-20", "2026-04-08")]);
        var model = new ScheduleModel(RequestCandidates.Build(new Calendar(problem)));
        var days = model.Requests["days"];
        var stretches = model.Requests["long"];
        Assert.Equal(3, days.Days.Count);
        Assert.Equal(2, stretches.Segments.Count);

        var secondDay = days.Days[1].Day.From;
        var summer = stretches.Segments[1].Segment.From;
        var solution = Solution.FromPlacements(model, new Dictionary<string, Placement>
        {
            ["days"] = new(days.Facilities[0].Option, days.Providers[0].Option, null, secondDay),
            ["long"] = new(stretches.Facilities[0].Option, stretches.Providers[0].Option, null, summer),
        });

        Assert.Equal([false, true, false], days.Days.Select(d => solution.IsTrue(d.Chosen)));
        Assert.Equal([false, true], stretches.Segments.Select(s => solution.IsTrue(s.Chosen)));
        Assert.Equal(secondDay, solution[days.Start]);
        Assert.Equal(summer, solution[stretches.Start]);
        Assert.True(solution.IsTrue(days.Scheduled) && solution.IsTrue(stretches.Scheduled));
    }
}
