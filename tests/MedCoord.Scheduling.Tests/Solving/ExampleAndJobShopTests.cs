using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Solving;
using NodaTime;
using Xunit;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

public sealed class ExampleAndJobShopTests
{
    [Fact]
    public void Solve_ShippedExample_BooksAllElevenOptimally()
    {
        var problem = Example();

        var schedule = SolveVerified(problem, Quick(30));

        Assert.Equal(ScheduleStatus.Optimal, schedule.Status);
        Assert.Equal(11, schedule.Assignments.Count);
        Assert.Empty(schedule.Unscheduled);
        Assert.Equal(problem.Requests.Sum(r => r.Priority), schedule.Objective.ScheduledPriority);
        Assert.Equal(schedule.Objective.ScheduledPriority, schedule.Objective.UpperBound);
    }

    [Fact]
    public void Solve_ShippedExample_KeepsTheFixedBookingExactly()
    {
        var schedule = SolveVerified(Example(), Quick(30));

        var fixedBooking = Booked(schedule, "r-10");
        Assert.Equal("2026-12-09T10:00:00-06:00", Format(fixedBooking.Start));
        Assert.Equal("dr-okafor", fixedBooking.ProviderId);
        Assert.Equal("lake-exam-1", fixedBooking.RoomId);
        Assert.Equal("lakeside", fixedBooking.FacilityId);
    }

    [Theory]
    [InlineData("ft06.txt", 55)]
    [InlineData("la01.txt", 666)]
    public void Solve_JobShopAtItsOptimalMakespan_BooksEveryOperation(string file, int optimum)
    {
        var problem = JobShop.Load(TestData(Path.Combine("jssp", file)), optimum);

        var schedule = SolveVerified(problem, new SolveOptions(Duration.FromSeconds(60), 2, 0));

        Assert.Empty(schedule.Unscheduled);
        Assert.Equal(problem.Requests.Count, schedule.Assignments.Count);
        var end = schedule.Assignments.Max(a => a.End.ToInstant());
        var start = schedule.Assignments.Min(a => a.Start.ToInstant());
        Assert.True((end - start).TotalMinutes <= optimum);
    }

    [Fact]
    public void Solve_JobShopBelowItsOptimum_CannotBookEveryOperation()
    {
        var problem = JobShop.Load(TestData(Path.Combine("jssp", "ft06.txt")), 54);

        var schedule = SolveVerified(problem, new SolveOptions(Duration.FromSeconds(60), 2, 0));

        Assert.NotEmpty(schedule.Unscheduled);
        Assert.True(schedule.Objective.UpperBound < problem.Requests.Count);
    }
}
