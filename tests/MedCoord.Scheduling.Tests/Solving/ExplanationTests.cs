using FsCheck;
using FsCheck.Xunit;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>What a scheduler reads to understand a schedule: the facts behind CapacityTaken, and the objective by group.</summary>
public sealed class ExplanationTests
{
    private static Problem OneHour(params AppointmentRequest[] requests) =>
        Problem("2026-12-07", "2026-12-07",
            [Facility("main", "Europe/Paris")], [Room("exam-1", "main", "exam")], [Provider("dr-a", "gp", "main", Week("09:00", "10:00"))],
            [Patient("p1"), Patient("p2"), Patient("p3")],
            [Type("visit", 30, "gp", ["exam"]), Type("long", 60, "gp", ["exam"])],
            requests);

    [Fact]
    public void Solve_CapacityTaken_NamesTheResourcesAndTheRequestsHoldingThem()
    {
        var problem = OneHour(Request("a", "p1", "visit", priority: 3), Request("b", "p2", "visit", priority: 3), Request("c", "p3", "long", priority: 2));

        var schedule = SolveVerified(problem);

        var lost = NotBooked(schedule, "c");
        Assert.Equal(UnscheduledReason.CapacityTaken, lost.Reason);
        var blockers = lost.BlockedBy!.Select(b => $"{b.Kind} {b.Id}: {string.Join(",", b.RequestIds)}").ToList();
        Assert.Equal(["provider dr-a: a,b", "room exam-1: a,b"], blockers.Select(b => b.Replace("b,a", "a,b")).Order());
        Assert.Contains("provider 'dr-a' has", lost.Message);

        var reread = ScheduleFile.Parse(ScheduleFile.Serialize(schedule));
        Assert.Equal(blockers, NotBooked(reread, "c").BlockedBy!.Select(b => $"{b.Kind} {b.Id}: {string.Join(",", b.RequestIds)}"));
    }

    [Fact]
    public void Solve_OtherReasons_CarryNoBlockers()
    {
        var problem = OneHour(Request("a", "p1", "visit"), Request("x", "p2", "visit") with { TypeId = "visit", Earliest = new LocalDate(2027, 1, 1), Latest = new LocalDate(2027, 1, 2) });

        var schedule = SolveVerified(problem);

        Assert.Null(NotBooked(schedule, "x").BlockedBy);
    }

    [Property(MaxTest = 15)]
    public void Breakdown_EachDimensionAddsUpToTheObjective(NonNegativeInt seed, PositiveInt size)
    {
        var problem = RandomProblems.Create(seed.Get, 5 + (size.Get % 40));
        var schedule = SolveVerified(problem, Quick(2));

        var rows = ScheduleAnalysis.Breakdown(problem, schedule);

        foreach (var dimension in rows.GroupBy(r => r.Dimension))
        {
            Assert.Equal(problem.Requests.Count, dimension.Sum(r => r.Requests));
            Assert.Equal(schedule.Assignments.Count, dimension.Sum(r => r.Booked));
            Assert.Equal(schedule.Objective.ScheduledPriority, dimension.Sum(r => r.ScheduledPriority));
            Assert.Equal(schedule.Objective.WaitingCost, dimension.Sum(r => r.WaitingCost));
            Assert.Equal(problem.Requests.Sum(r => (long)r.Priority), dimension.Sum(r => r.AskedPriority));
        }

        Assert.Equal(["type", "facility"], rows.Select(r => r.Dimension).Distinct());
    }

    /// <summary>The problem of <see cref="FixedConflictTests.Conflicting"/>: the fixed "b-elsewhere" at 11:00 has nothing to do with the conflict and is not named.</summary>
    [Fact]
    public void Solve_ConflictingFixedBookings_NamesASmallConflictingSet()
    {
        var problem = FixedConflictTests.Conflicting();
        var schedule = SolveVerified(problem);

        Assert.Equal(ScheduleStatus.Infeasible, schedule.Status);
        Assert.Equal(
            (UnscheduledReason.NoSolutionFound, "the fixed bookings of 'a-blocker', 'z-after' and their links already conflict: no schedule obeys every rule"),
            (NotBooked(schedule, "b-elsewhere").Reason, NotBooked(schedule, "b-elsewhere").Message));
        Assert.Equal(["a-blocker", "z-after"], schedule.Conflict);
        Assert.Equal(["a-blocker", "z-after"], ScheduleFile.Parse(ScheduleFile.Serialize(schedule)).Conflict);
    }
}
