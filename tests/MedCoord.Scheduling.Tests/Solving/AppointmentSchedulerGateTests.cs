using MedCoord.Scheduling.Tests.Isolation;
using MedCoord.Scheduling.Time;
using Microsoft.Extensions.Logging.Abstractions;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The scheduler's arguments, settings and log, and the gate every search result passes before a schedule is built.</summary>
public sealed class AppointmentSchedulerGateTests
{
    /// <summary>Two 30-minute slots on Monday with dr-a, and requests a (priority 3), b (2) and c (1): one of them waits.</summary>
    private static Problem TwoSlots() => Problem("2026-12-07", "2026-12-07",
        [Facility("main", "Europe/Paris")], [Room("exam-1", "main", "exam")],
        [Provider("dr-a", "gp", "main", Week("09:00", "10:00"))],
        [Patient("p1"), Patient("p2"), Patient("p3")],
        [Type("visit", 30, "gp", ["exam"])],
        [Request("a", "p1", "visit", priority: 3), Request("b", "p2", "visit", priority: 2), Request("c", "p3", "visit", priority: 1)]);

    [Fact]
    public void Constructor_NullArguments_AreNamed()
    {
        Assert.Equal("defaults", Assert.Throws<ArgumentNullException>(() => new AppointmentScheduler((SchedulingOptions)null!, NullLogger<AppointmentScheduler>.Instance)).ParamName);
        Assert.Equal("logger", Assert.Throws<ArgumentNullException>(() => new AppointmentScheduler(new SchedulingOptions(), null!)).ParamName);
    }

    [Fact]
    public void Calls_WithoutAProblemOrAPreviousSchedule_AreRefusedNamingTheArgument()
    {
        var scheduler = new AppointmentScheduler();
        var previous = scheduler.Solve(TwoSlots(), Quick(2));
        var validated = ValidatedProblem.Create(TwoSlots());

        Assert.Equal("problem", Assert.Throws<ArgumentNullException>(() => scheduler.Validate(null!)).ParamName);
        Assert.Equal("problem", Assert.Throws<ArgumentNullException>(() => scheduler.Solve((ValidatedProblem)null!)).ParamName);
        Assert.Equal("problem", Assert.Throws<ArgumentNullException>(() => scheduler.Replan((Problem)null!, previous)).ParamName);
        Assert.Equal("previous", Assert.Throws<ArgumentNullException>(() => scheduler.Replan(TwoSlots(), null!)).ParamName);
        Assert.Equal("previous", Assert.Throws<ArgumentNullException>(() => scheduler.Replan(TwoSlots() with { Patients = [] }, null!)).ParamName);
        Assert.Equal("problem", Assert.Throws<ArgumentNullException>(() => scheduler.Replan((ValidatedProblem)null!, previous)).ParamName);
        Assert.Equal("previous", Assert.Throws<ArgumentNullException>(() => scheduler.Replan(validated, null!)).ParamName);
    }

    [Fact]
    public void Constructor_SeveralBadDefaults_NamesEach()
    {
        var ex = Assert.Throws<ArgumentException>(() => new AppointmentScheduler(new SchedulingOptions { Seed = -2, Workers = -1 }));

        Assert.Equal(
            "SchedulingOptions.Workers: must be from 0 (the machine's core count) to 256, found -1; SchedulingOptions.Seed: must not be negative, found -2 (Parameter 'defaults')",
            ex.Message);
    }

    [Fact]
    public void Solve_SeveralBadOptionsInTheCall_NamesEach()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new AppointmentScheduler().Solve(TwoSlots(), Quick() with { Workers = -1, Seed = -2 }));

        Assert.Equal("Workers", ex.ParamName);
        Assert.Equal("Workers: must be from 0 (the machine's core count) to 256, found -1; Seed: must not be negative, found -2 (Parameter 'Workers')", ex.Message);
    }

    [Fact]
    public void Solve_LogsHowItFinished_WithCountsOnly()
    {
        var log = new RecordingLogger<AppointmentScheduler>();

        new AppointmentScheduler(new SchedulingOptions(), log).Solve(TwoSlots(), Quick(5));

        var finished = Assert.Single(log.Entries, e => e.Event.Id == 1004);
        Assert.Equal(("SolveFinished", Microsoft.Extensions.Logging.LogLevel.Information), (finished.Event.Name, finished.Level));
        Assert.StartsWith("Solve finished: Optimal, 2 of 3 requests booked, 0 answers dropped, ", finished.Message, StringComparison.Ordinal);
    }

    private static (IReadOnlyList<RequestCandidates> Candidates, Func<string, int, Placement> At) Prepared()
    {
        var candidates = RequestCandidates.Build(new Calendar(TwoSlots()));
        Placement At(string id, int slot)
        {
            var f = candidates.Single(c => c.Request.Id == id).Facilities.Single();
            return new Placement(f, f.Providers.Single(), f.Rooms.Single(), f.Starts.Ranges[0].Start + (30 * slot));
        }

        return (candidates, At);
    }

    [Theory]
    [InlineData(ScheduleStatus.Optimal, 3, ScheduleStatus.Feasible, 6)] // the search missed b: its optimality was wrong
    [InlineData(ScheduleStatus.Feasible, 4, ScheduleStatus.Feasible, 6)] // b brings 5, above the bound: only the trivial bound holds
    [InlineData(ScheduleStatus.Feasible, 5, ScheduleStatus.Feasible, 5)] // 5 is within the bound, which stands
    public void Complete_AWaitingRequestThatStillFits_IsInserted_AndNoFalseClaimSurvives(ScheduleStatus status, long bound, ScheduleStatus expectedStatus, long expectedBound)
    {
        var (candidates, at) = Prepared();
        var settings = QuickSettings();

        var result = AppointmentScheduler.Complete(candidates, new PhasedResult(status, new Dictionary<string, Placement> { ["a"] = at("a", 0) }, bound), settings);

        Assert.Equal(["a", "b"], result.Placements!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(at("b", 1).Start, result.Placements["b"].Start);
        Assert.Equal((expectedStatus, expectedBound), (result.Status, result.PriorityBound));
        Assert.Equal(0, settings.Monitor.DroppedSolutions);
    }

    [Fact]
    public void Complete_AMaximalBook_IsLeftAsItIs()
    {
        var (candidates, at) = Prepared();
        var given = new PhasedResult(ScheduleStatus.Optimal, new Dictionary<string, Placement> { ["a"] = at("a", 0), ["b"] = at("b", 1) }, 5);

        Assert.Same(given, AppointmentScheduler.Complete(candidates, given, QuickSettings()));
    }

    [Fact]
    public void Complete_PlacementsThatBreakARule_AreDropped_CountedAndTheBoundMadeTrivial()
    {
        var (candidates, at) = Prepared();
        var settings = QuickSettings();

        // a and b both at 09:00 with dr-a: b is dropped, then put in the free slot.
        var result = AppointmentScheduler.Complete(candidates,
            new PhasedResult(ScheduleStatus.Optimal, new Dictionary<string, Placement> { ["a"] = at("a", 0), ["b"] = at("b", 0) }, 5), settings);

        Assert.Equal(1, settings.Monitor.DroppedSolutions);
        Assert.Equal((ScheduleStatus.Feasible, 6L), (result.Status, result.PriorityBound));
        Assert.Equal(2, result.Placements!.Count);
        Assert.NotEqual(result.Placements["a"].Start, result.Placements["b"].Start);
    }

    [Fact]
    public void Solve_AFixedBookingFollowingARequestThatCanNeverBeBooked_IsInfeasible()
    {
        var problem = TwoSlots() with
        {
            Requests = [Request("never", "p1", "visit") with { DurationMinutes = 90 }, Request("f", "p2", "visit") with { After = [new RequestLink("never")] }],
            Fixed = [new FixedBooking("f", "dr-a", "exam-1", At("2026-12-07T09:00:00+01:00"))],
        };

        var schedule = new AppointmentScheduler().Solve(problem, Quick(5));

        Assert.Equal(ScheduleStatus.Infeasible, schedule.Status);
        Assert.Empty(schedule.Assignments);
    }

    [Fact]
    public void Replan_AFixedBookingFollowingARequestThatCanNeverBeBooked_IsInfeasible()
    {
        var problem = TwoSlots() with
        {
            Requests = [Request("never", "p1", "visit") with { DurationMinutes = 90 }, Request("f", "p2", "visit") with { After = [new RequestLink("never")] }],
            Fixed = [new FixedBooking("f", "dr-a", "exam-1", At("2026-12-07T09:00:00+01:00"))],
        };
        var scheduler = new AppointmentScheduler();
        var previous = scheduler.Solve(TwoSlots(), Quick(2)) with { Assignments = [] };

        var replanned = scheduler.Replan(problem, previous, Quick(5));

        Assert.Equal(ScheduleStatus.Infeasible, replanned.Schedule.Status);
        Assert.Empty(replanned.Schedule.Assignments);
    }

    [Theory]
    [InlineData(0, false, false)]
    [InlineData(-1, false, true)]
    [InlineData(0, true, true)]
    public void ByNeighbourhoods_WhenTheModelWouldHaveMoreLiteralsThanTheLimit_CountingProviderDaysForAWeightedDailyCap(long belowSize, bool dailyCap, bool expected)
    {
        var candidates = RequestCandidates.Build(new Calendar(TwoSlots()));
        var size = ScheduleModel.SizeOf(candidates);
        Assert.True(ScheduleModel.SizeOf(candidates, perProviderDay: true) > size);
        var weights = new SoftRuleWeights(Continuity: 1, DailyCap: dailyCap ? 1 : 0);

        Assert.Equal(expected, AppointmentScheduler.ByNeighbourhoods(candidates, new SolveSettings(Duration.FromSeconds(1), 1, 0, size + belowSize, weights)));
    }

    [Fact]
    public void Solve_CancelledBeforeAnySchedule_ClaimsNoBoundBelowWhatCouldBeBooked()
    {
        // First fit puts y at 09:00, 90 minutes before the fixed s it must precede by at most 60: it cannot stand, and the
        // search is cancelled before it starts. y at 10:00 and s would book a priority of 5.
        var problem = TwoSlots() with
        {
            Requests = [Request("y", "p1", "visit", priority: 2), Request("s", "p2", "visit", priority: 3) with { After = [new RequestLink("y", 0, 60)] }],
            Fixed = [new FixedBooking("s", "dr-a", "exam-1", At("2026-12-07T11:00:00+01:00"))],
        };
        problem = problem with { Providers = [Provider("dr-a", "gp", "main", Week("09:00", "12:00"))] };
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var schedule = new AppointmentScheduler().Solve(problem, Quick(5), cancellationToken: cancelled.Token);

        Assert.Equal(ScheduleStatus.NoSolutionFound, schedule.Status);
        Assert.Equal(5, schedule.Objective.UpperBound);
        Assert.Equal(5, new AppointmentScheduler().Solve(problem, Quick(5)).Objective.ScheduledPriority);
    }

    [Theory]
    [InlineData(1)] // at the first-fit schedule, before level 1 searches
    [InlineData(2)] // during level 2, before level 3
    public void Solve_CancelledBetweenLevels_IsFeasibleWithEveryoneBooked_NotOptimal(int phase)
    {
        // Two slots, two requests: first fit books both, so level 1 is proven by the priority alone.
        var problem = TwoSlots() with { Requests = [.. TwoSlots().Requests.Take(2)] };
        using var cancellation = new CancellationTokenSource();
        var reports = new List<SolveProgress>();
        var progress = new SynchronousProgress(report =>
        {
            reports.Add(report);
            if (report.Phase == phase)
            {
                cancellation.Cancel();
            }
        });

        var schedule = new AppointmentScheduler().Solve(problem, Quick(5), progress, cancellation.Token);

        Assert.Equal(ScheduleStatus.Feasible, schedule.Status);
        Assert.Equal((5L, 5L), (schedule.Objective.ScheduledPriority, schedule.Objective.UpperBound));
        Assert.Equal(new SolveProgress(reports[0].Elapsed, 5, 5, 1), reports[0]);
        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
    }

    [Fact]
    public void Run_ASearchWhosePlacementsBreakARule_IsCountedInTheStatsAndLogged_AndTheScheduleObeysEveryRule()
    {
        var log = new RecordingLogger<AppointmentScheduler>();
        var problem = TwoSlots();

        // A search that puts a and b both at 09:00 with dr-a.
        var (_, schedule) = new AppointmentScheduler(new SchedulingOptions(), log).Run(ValidatedProblem.Create(problem), Quick(5), (_, candidates, _, _) =>
        {
            Placement At(string id)
            {
                var f = candidates.Single(c => c.Request.Id == id).Facilities.Single();
                return new Placement(f, f.Providers.Single(), f.Rooms.Single(), f.Starts.Ranges[0].Start);
            }

            return new PhasedResult(ScheduleStatus.Optimal, new Dictionary<string, Placement> { ["a"] = At("a"), ["b"] = At("b") }, 5);
        }, CancellationToken.None);

        Assert.Equal(1, schedule.Stats.DroppedSolutions);
        Assert.Equal(ScheduleStatus.Feasible, schedule.Status);
        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
        Assert.Equal(["PlacementsDropped", "SolveFinished"], log.Events);
        Assert.StartsWith("Solve finished: Feasible, 2 of 3 requests booked, 1 answers dropped, ", log.Entries[^1].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(6, 5, false, 1.0, 10, true)]
    [InlineData(5, 5, false, 1.0, 10, false)] // proven: the bound is what is booked
    [InlineData(6, 5, true, 1.0, 10, false)] // cancelled
    [InlineData(6, 5, false, 9.49, 10, true)]
    [InlineData(6, 5, false, 9.5, 10, false)] // the search's share (95 %) is used up
    public void LevelOneOpen_WhileTheBoundIsAboveWhatIsBookedAndSearchTimeIsLeft(long bound, long booked, bool cancelled, double elapsed, double limit, bool expected) =>
        Assert.Equal(expected, AppointmentScheduler.LevelOneOpen(bound, booked, cancelled, elapsed, limit));

    [Theory]
    [InlineData(5, 8, 7, 7)]
    [InlineData(5, 7, 8, 7)]
    [InlineData(9, 8, 7, 9)]
    public void BothBounds_IsTheLowerBound_NeverBelowWhatIsBooked(long booked, long first, long second, long expected) =>
        Assert.Equal(expected, AppointmentScheduler.BothBounds(booked, first, second));
}
