using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

public sealed class AppointmentSchedulerTests
{
    [Fact]
    public void Solve_SameSeedOneWorker_GivesTheSameSchedule()
    {
        var problem = RandomProblems.Create(5, 40);
        var options = new SolveOptions(Duration.FromSeconds(30), 1, 42);

        var first = new AppointmentScheduler().Solve(problem, options);
        var second = new AppointmentScheduler().Solve(problem, options);

        Assert.Equal(first.Assignments, second.Assignments);
        Assert.Equal(first.Unscheduled, second.Unscheduled);
        Assert.Equal(1, first.Stats.Workers);
        Assert.Equal(42, first.Stats.Seed);
    }

    [Fact]
    public void Solve_AlreadyCancelled_ReturnsAtOnceWithTheFirstFitSchedule()
    {
        var problem = Example();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        var schedule = new AppointmentScheduler().Solve(problem, Quick(), cancellationToken: cancel.Token);

        Assert.Equal(ScheduleStatus.Feasible, schedule.Status);
        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
        Assert.True(schedule.Assignments.Count > 0);
    }

    [Fact]
    public void Solve_CancelledDuringTheSearch_ReturnsTheBestScheduleSoFar()
    {
        var problem = RandomProblems.Create(13, 300);
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Phase == 1)
            {
                cancel.Cancel();
            }
        });

        var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromMinutes(5), 2, 0), progress, cancel.Token);

        Assert.Equal(ScheduleStatus.Feasible, schedule.Status);
        Assert.True(schedule.Stats.WallSeconds < 120);
        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
    }

    [Fact]
    public void Solve_WithProgress_ReportsImprovingSchedulesAndTheBound()
    {
        var reports = new List<SolveProgress>();

        var schedule = new AppointmentScheduler().Solve(Example(), Quick(), new SynchronousProgress(reports.Add));

        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.True(r.UpperBound >= r.ScheduledPriority));
        var phaseOne = reports.Where(r => r.Phase == 1).Select(r => r.ScheduledPriority).ToList();
        Assert.Equal(phaseOne.Order(), phaseOne);
        Assert.Equal(schedule.Objective.ScheduledPriority, reports[^1].ScheduledPriority);
    }

    [Fact]
    public void Solve_TimeLimitFromTheProblem_IsUsedWhenTheCallGivesNone()
    {
        var problem = Example() with { Options = new SolveOptions(Duration.FromSeconds(3), 1, 9) };

        var schedule = new AppointmentScheduler().Solve(problem);

        Assert.Equal(1, schedule.Stats.Workers);
        Assert.Equal(9, schedule.Stats.Seed);
    }

    [Fact]
    public void Solve_ZeroWorkers_UsesTheMachinesCoreCount()
    {
        var schedule = new AppointmentScheduler().Solve(Example(), new SolveOptions(Duration.FromSeconds(5), 0, 0));

        Assert.Equal(Environment.ProcessorCount, schedule.Stats.Workers);
    }

    [Fact]
    public void AddMedCoordScheduling_CalledTwice_RegistersOneConfiguredScheduler()
    {
        var services = new ServiceCollection();
        services.AddMedCoordScheduling(o => o.Seed = 3);
        services.AddMedCoordScheduling();
        using var provider = services.BuildServiceProvider();

        var scheduler = provider.GetRequiredService<IAppointmentScheduler>();
        var schedule = scheduler.Solve(Example(), new SolveOptions(Duration.FromSeconds(5), 1));

        Assert.Single(services, d => d.ServiceType == typeof(IAppointmentScheduler));
        Assert.Equal(3, schedule.Stats.Seed);
    }

    [Fact]
    public void AddMedCoordScheduling_InvalidOptions_FailValidation()
    {
        var services = new ServiceCollection();
        services.AddMedCoordScheduling(o => { o.Workers = -1; o.TimeLimit = TimeSpan.Zero; });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SchedulingOptions>>().Value);

        Assert.Equal(
            ["SchedulingOptions.TimeLimit: must be above 0 and at most 604800 seconds, found 0", "SchedulingOptions.Workers: must be from 0 (the machine's core count) to 256, found -1"],
            ex.Failures);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheParameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => new AppointmentScheduler(new SchedulingOptions { Seed = -2 }));

        Assert.Equal("defaults", ex.ParamName);
    }

    [Fact]
    public void Solve_NoRequests_IsOptimalAndEmpty()
    {
        var problem = Example() with { Requests = [], Fixed = [] };

        var schedule = new AppointmentScheduler().Solve(problem, Quick());

        Assert.Equal(ScheduleStatus.Optimal, schedule.Status);
        Assert.Empty(schedule.Assignments);
        Assert.Empty(schedule.Unscheduled);
    }
}
