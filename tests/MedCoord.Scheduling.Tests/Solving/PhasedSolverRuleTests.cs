using Google.OrTools.Sat;
using MedCoord.Scheduling.Solving.CpSat;
using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The phased solver's decisions on their own: bounds, the first-fit fallback, time shares, reports and hints.</summary>
public sealed class PhasedSolverRuleTests
{
    [Theory]
    [InlineData(null, 10L, 10L)]
    [InlineData(7L, 10L, 7L)]
    [InlineData(12L, 10L, 10L)]
    public void CapacityCap_IsTheCapacityBoundCutToTheTotalPriority(long? capacityBound, long maxPriority, long expected) =>
        Assert.Equal(expected, PhasedSolver.CapacityCap(capacityBound, maxPriority));

    [Theory]
    [InlineData(CpSolverStatus.Optimal, false, 5, 0, false)] // proven: never the first fit
    [InlineData(CpSolverStatus.Feasible, false, 5, 0, true)] // no solution: the first fit
    [InlineData(CpSolverStatus.Feasible, true, 5, 4, true)] // a worse solution: the first fit
    [InlineData(CpSolverStatus.Feasible, true, 5, 5, false)] // as good: the search's
    [InlineData(CpSolverStatus.Unknown, true, 5, 6, false)]
    public void KeepFirstFit_WhenTheSearchIsUnprovenAndFoundNothingOrWorse(CpSolverStatus status, bool hasSolution, long firstFit, long value, bool expected) =>
        Assert.Equal(expected, PhasedSolver.KeepFirstFit(status, hasSolution, firstFit, value));

    [Theory]
    [InlineData(CpSolverStatus.Optimal, 3, 10, true)]
    [InlineData(CpSolverStatus.Feasible, 10, 10, true)] // everything that could be booked is
    [InlineData(CpSolverStatus.Feasible, 9, 10, false)]
    public void LevelOneProven_BySearchOrByBookingEverything(CpSolverStatus status, long value, long maxPriority, bool expected) =>
        Assert.Equal(expected, PhasedSolver.LevelOneProven(status, value, maxPriority));

    [Theory]
    [InlineData(true, 6, 9, 8, 10, 6)] // proven: what is booked
    [InlineData(false, 6, 9, 10, 10, 9)] // the search's bound
    [InlineData(false, 6, 9, 8, 10, 8)] // cut to the capacity bound
    [InlineData(false, 6, 6, 8, 10, 6)] // a search bound equal to what is booked stands
    [InlineData(false, 6, 5, 8, 10, 8)] // a search bound below what is booked is no proof: the capacity bound
    [InlineData(false, 6, 5, 12, 10, 10)] // or the total priority
    [InlineData(false, 6, 9, 4, 10, 6)] // never below what is booked
    public void LevelOneBound_IsTheLowestProof_NeverBelowWhatIsBooked(bool proven, long value, long searchBound, long capacityBound, long maxPriority, long expected) =>
        Assert.Equal(expected, PhasedSolver.LevelOneBound(proven, value, searchBound, capacityBound, maxPriority));

    [Theory]
    [InlineData(1, 6.0)]
    [InlineData(2, 9.5)]
    [InlineData(3, 9.5)]
    public void PhaseUntil_LevelOneTakesSixTenths_TheLaterLevelsTheSearchsShare(int phase, double expected) =>
        Assert.Equal(expected, PhasedSolver.PhaseUntil(phase, 10), 9);

    [Theory]
    [InlineData(7.99999, 10, 7)]
    [InlineData(7.9999999, 10, 8)] // within a millionth of a whole number: that number
    [InlineData(12.5, 10, 10)]
    [InlineData(double.PositiveInfinity, 10, 10)]
    [InlineData(double.NaN, 10, 10)]
    public void ClampedBound_IsAWholeNumber_NeverAboveTheTotalPriority(double bound, long maxPriority, long expected) =>
        Assert.Equal(expected, PhasedSolver.ClampedBound(bound, maxPriority));

    [Fact]
    public void LevelOneReports_ReportOnlyABetterScheduleOrALowerBound_WithTheBestScheduleSoFar()
    {
        var reports = new PhasedSolver.LevelOneReports(5);

        Assert.Equal((5L, 10L), reports.Next(5, 10)); // the first bound
        Assert.Null(reports.Next(5, 10));
        Assert.Equal((6L, 10L), reports.Next(6, 10));
        Assert.Equal((6L, 9L), reports.Next(4, 9)); // a lower bound, with the best schedule kept
        Assert.Null(reports.Next(6, 9));
        Assert.Null(reports.Next(3, 11));
    }

    [Fact]
    public void SolveSettings_CpSat_TakesTheCallsWorkersAndSeed_OrTheSolves()
    {
        var settings = QuickSettings() with { Workers = 3, Seed = 11, Conservative = true };

        Assert.Equal(new CpSatLimits(1.5, 1, 7, true), settings.CpSat(1.5, workers: 1, seed: 7));
        Assert.Equal(new CpSatLimits(2, 3, 11, true), settings.CpSat(2));
    }

    /// <summary>
    /// New York from <paramref name="first"/> to Monday 2026-11-02 (the clocks go back on Sunday 2026-11-01), two
    /// providers and rooms, and the requests "placed" and "left"; "placed" at 09:30 on the Monday with dr-b in exam-2.
    /// </summary>
    private static (ScheduleModel Model, Placement Placement, Solution Solution) PlacedOnMonday(string first)
    {
        var problem = Problem(first, "2026-11-02",
            [Facility("main", "America/New_York")], [Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam")],
            [Provider("dr-a", "gp", "main", Week("09:00", "10:00")), Provider("dr-b", "gp", "main", Week("09:00", "10:00"))],
            [Patient("p1"), Patient("p2")],
            [Type("visit", 30, "gp", ["exam"])],
            [Request("placed", "p1", "visit"), Request("left", "p2", "visit")]);
        var model = new ScheduleModel(RequestCandidates.Build(new Calendar(problem)));
        var facility = model.Requests["placed"].Candidates.Facilities.Single();
        var placement = new Placement(facility, facility.Providers[1], facility.Rooms[1], facility.Starts.Ranges[^1].Start + 30);
        return (model, placement, Solution.FromPlacements(model, new Dictionary<string, Placement> { ["placed"] = placement }));
    }

    [Fact]
    public void Solution_FromPlacements_SetsThePlacedOptionsAndLeavesTheRestUnbooked()
    {
        var (model, placement, solution) = PlacedOnMonday("2026-10-31");
        var placed = model.Requests["placed"];

        Assert.True(solution.IsTrue(placed.Scheduled));
        Assert.Equal(placement.Start, solution[placed.Start]);
        Assert.Equal([false, false, true], placed.Days.Select(d => solution.IsTrue(d.Chosen)));
        Assert.Equal(["dr-b"], placed.Providers.Where(p => solution.IsTrue(p.Chosen)).Select(p => p.Option.ProviderId));
        Assert.Equal(["exam-2"], placed.Rooms.Where(r => solution.IsTrue(r.Chosen)).Select(r => r.Option.RoomId));
        Assert.All(placed.Facilities, f => Assert.True(solution.IsTrue(f.Chosen)));

        var left = model.Requests["left"];
        Assert.False(solution.IsTrue(left.Scheduled));
        Assert.Equal(left.Candidates.AllStarts.Ranges[0].Start, solution[left.Start]);
        Assert.All(left.Days, d => Assert.False(solution.IsTrue(d.Chosen)));
        Assert.All(left.Providers, p => Assert.False(solution.IsTrue(p.Chosen)));

        solution.AddAsHint(model);
        var hint = model.Model.Model.SolutionHint;
        Assert.Equal(model.Decisions.Count, hint.Vars.Count);
        Assert.Equal(placement.Start, hint.Values[hint.Vars.IndexOf(placed.Start.GetIndex())]);
    }

    [Fact]
    public void Solution_FromPlacements_OverALongWindow_SetsTheOffsetStretchOfTheStart()
    {
        var (model, _, solution) = PlacedOnMonday("2026-10-12");
        var placed = model.Requests["placed"];

        Assert.Empty(placed.Days);
        Assert.Equal([false, true], placed.Segments.Select(s => solution.IsTrue(s.Chosen)));
    }
}
