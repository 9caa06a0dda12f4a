using FsCheck;
using FsCheck.Xunit;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>
/// Large problems are improved neighbourhood by neighbourhood instead of as one model. These tests force that path on
/// small problems (a whole-model limit of zero) and hold it to the same rules as the whole model.
/// </summary>
public sealed class NeighbourhoodSearchTests
{
    private static readonly AppointmentScheduler ByNeighbourhoods = new() { WholeModelLimit = 0 };

    [Property(MaxTest = 20)]
    public void Solve_ByNeighbourhoods_ObeysEveryHardRuleAndAccountsForEveryRequest(NonNegativeInt seed, PositiveInt size)
    {
        var problem = RandomProblems.Create(seed.Get, 5 + (size.Get % 40));

        var schedule = SolveVerified(problem, new SolveOptions(Duration.FromSeconds(1), 2, 0), ByNeighbourhoods);

        Assert.Contains(schedule.Status, new[] { ScheduleStatus.Optimal, ScheduleStatus.Feasible });
        Assert.Equal(problem.Requests.Count, schedule.Assignments.Count + schedule.Unscheduled.Count);
        Assert.True(schedule.Objective.UpperBound >= schedule.Objective.ScheduledPriority);
    }

    /// <summary>
    /// Tiny neighbourhoods solved two at a time: each result was cut from the book before the other lane's result was
    /// kept, so it must be checked against the book as it now stands (a clash is dropped, never kept).
    /// </summary>
    [Property(MaxTest = 15)]
    public void Solve_ByNeighbourhoodsSideBySide_KeepsNoResultThatClashesWithTheOtherLanes(NonNegativeInt seed, PositiveInt size)
    {
        var problem = RandomProblems.Create(seed.Get, 20 + (size.Get % 40));

        var schedule = SolveVerified(problem, new SolveOptions(Duration.FromSeconds(1), 2, 0), new AppointmentScheduler { WholeModelLimit = 0, NeighbourhoodSize = 3 });

        Assert.Equal(problem.Requests.Count, schedule.Assignments.Count + schedule.Unscheduled.Count);
    }

    /// <summary>Twice the demand the week can hold, so the search never runs out of things to try before it is cancelled.</summary>
    [Fact]
    public void Solve_ByNeighbourhoodsSideBySide_CancelledDuringTheSearch_ReturnsTheBestScheduleSoFar()
    {
        var requests = Enumerable.Range(0, 160).Select(i =>
            Request($"r{i:000}", $"p{i % 80}", i % 3 == 0 ? "long" : "short", $"2026-03-0{2 + (i % 5)}", "2026-03-06", priority: 1 + (i % 5))).ToList();
        var problem = Problem("2026-03-02", "2026-03-06",
            [Facility("clinic", "America/Denver", Week("08:00", "18:00"))],
            [Room("exam-1", "clinic", "exam"), Room("exam-2", "clinic", "exam")],
            [Provider("dr-a", "gp", "clinic", Week("08:00", "16:00")), Provider("dr-b", "gp", "clinic", Week("10:00", "18:00"))],
            Enumerable.Range(0, 80).Select(i => Patient($"p{i}")),
            [Type("short", 20, "gp", ["exam"], buffer: 5), Type("long", 45, "gp", ["exam"], buffer: 5)],
            requests);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        var schedule = new AppointmentScheduler { WholeModelLimit = 0, NeighbourhoodSize = 6 }
            .Solve(problem, new SolveOptions(Duration.FromMinutes(5), 2, 0), cancellationToken: cancel.Token);

        Assert.True(schedule.Stats.WallSeconds < 30, $"{schedule.Stats.WallSeconds} s");
        Assert.Equal(ScheduleStatus.Feasible, schedule.Status);
        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
        Assert.Equal(problem.Requests.Count, schedule.Assignments.Count + schedule.Unscheduled.Count);
    }

    [Property(MaxTest = 15)]
    public void Solve_ByNeighbourhoods_NeverBelowFirstFit(NonNegativeInt seed, PositiveInt size)
    {
        var problem = RandomProblems.Create(seed.Get, 10 + (size.Get % 60), withFixed: false);
        var baseline = FirstFit.Schedule(problem).Sum(a => problem.Requests.First(r => r.Id == a.RequestId).Priority);

        var schedule = SolveVerified(problem, new SolveOptions(Duration.FromSeconds(1), 2, 0), ByNeighbourhoods);

        Assert.True(schedule.Objective.ScheduledPriority >= baseline, $"{schedule.Objective.ScheduledPriority} < first fit {baseline}");
    }

    /// <summary>
    /// First fit books the urgent 30-minute visit at 09:00, which leaves no hour inside the other patient's 09:00–10:00
    /// availability; re-placing the two together books both (the urgent one at 10:00).
    /// </summary>
    [Fact]
    public void Solve_ByNeighbourhoods_RepairsWhatFirstFitGetsWrong()
    {
        var problem = Problem("2026-03-02", "2026-03-02",
            [Facility("clinic", "Europe/Berlin", Week("09:00", "10:30"))],
            [],
            [Provider("dr", "gp", "clinic", Week("09:00", "10:30"))],
            [Patient("p-any"), new Patient("p-early", Zone("Europe/Berlin"), [Week("09:00", "10:00")], [])],
            [Type("short", 30, "gp"), Type("long", 60, "gp")],
            [Request("urgent", "p-any", "short", priority: 3), Request("routine", "p-early", "long", priority: 2)]);

        var schedule = SolveVerified(problem, Quick(5), ByNeighbourhoods);

        Assert.Equal(5, schedule.Objective.ScheduledPriority);
        Assert.Equal("09:00", Booked(schedule, "routine").Start.TimeOfDay.ToString("HH:mm", null));
        Assert.Equal("10:00", Booked(schedule, "urgent").Start.TimeOfDay.ToString("HH:mm", null));
    }

    [Fact]
    public void Solve_ByNeighbourhoods_KeepsEveryFixedBookingAndLinkOnADaylightSavingDay()
    {
        var problem = RandomProblems.Create(4242, 60);

        var schedule = SolveVerified(problem, Quick(2), ByNeighbourhoods);

        foreach (var booking in problem.Fixed)
        {
            Assert.Equal(booking.Start, Booked(schedule, booking.RequestId).Start.ToInstant());
        }
    }
}
