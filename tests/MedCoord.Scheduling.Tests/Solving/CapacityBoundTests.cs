using FsCheck;
using FsCheck.Xunit;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The capacity relaxation must never cut off a real schedule, and must be tighter than counting requests.</summary>
public sealed class CapacityBoundTests
{
    private static long? Bound(Problem problem)
    {
        var calendar = new Calendar(problem);
        return CapacityBound.Compute(calendar, RequestCandidates.Build(calendar), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Compute_OneProviderHour_CountsOnlyWhatFitsInIt()
    {
        var problem = Problem("2026-03-02", "2026-03-02",
            [Facility("clinic", "America/New_York", Week("09:00", "17:00"))],
            [],
            [Provider("dr", "gp", "clinic", Week("09:00", "10:00"))],
            [Patient("a"), Patient("b"), Patient("c")],
            [Type("visit", 30, "gp")],
            [Request("r1", "a", "visit", priority: 1), Request("r2", "b", "visit", priority: 2), Request("r3", "c", "visit", priority: 3)]);

        Assert.Equal(5, Bound(problem));
    }

    [Fact]
    public void Compute_AppointmentsCannotSpanTheLunchBreak()
    {
        // Together the two stretches hold 90 minutes, but neither holds the 60-minute visit on its own.
        var problem = Problem("2026-03-02", "2026-03-02",
            [Facility("clinic", "Europe/London")],
            [],
            [Provider("dr", "gp", "clinic", Week("09:00", "09:45"), Week("10:00", "10:45"))],
            [Patient("a"), Patient("b")],
            [Type("long", 60, "gp"), Type("short", 40, "gp")],
            [Request("r1", "a", "long", priority: 5), Request("r2", "b", "short", priority: 1)]);

        Assert.Equal(1, Bound(problem));
    }

    [Fact]
    public void Compute_RequestsAskingForDifferentDaysDoNotShareCapacity()
    {
        // Three visits want Monday's one hour (two fit), one wants Tuesday's: 5 + 5 + 1, not the three fives and the one.
        var problem = Problem("2026-03-02", "2026-03-03",
            [Facility("clinic", "America/Chicago")],
            [],
            [Provider("dr", "gp", "clinic", Week("09:00", "10:00"))],
            [Patient("a"), Patient("b"), Patient("c"), Patient("d")],
            [Type("visit", 30, "gp")],
            [
                Request("mon1", "a", "visit", "2026-03-02", "2026-03-02", priority: 5),
                Request("mon2", "b", "visit", "2026-03-02", "2026-03-02", priority: 5),
                Request("mon3", "c", "visit", "2026-03-02", "2026-03-02", priority: 5),
                Request("tue", "d", "visit", "2026-03-03", "2026-03-03", priority: 1),
            ]);

        Assert.Equal(11, Bound(problem));
    }

    [Property(MaxTest = 20)]
    public void Compute_NeverBelowAProvenOptimum(NonNegativeInt seed, PositiveInt size)
    {
        var problem = RandomProblems.Create(seed.Get, 5 + (size.Get % 25));

        var schedule = SolveVerified(problem, Quick(10));

        if (Bound(problem) is { } bound)
        {
            Assert.True(bound >= schedule.Objective.ScheduledPriority, $"bound {bound} < booked {schedule.Objective.ScheduledPriority}");
        }
    }
}
