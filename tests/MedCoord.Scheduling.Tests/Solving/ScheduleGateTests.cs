using FsCheck;
using FsCheck.Xunit;
using MedCoord.Scheduling.Operations;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Solving.CpSat;
using MedCoord.Scheduling.Time;
using Microsoft.Extensions.Logging;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>
/// The last gate before a schedule is built: what breaks a rule is dropped (with its claims), counted and logged, and
/// every waiting request that still fits is inserted, so the book returned is maximal.
/// </summary>
public sealed class ScheduleGateTests
{
    private static (IReadOnlyList<RequestCandidates> All, Dictionary<string, RequestCandidates> ById) Candidates()
    {
        var problem = Problem(
            "2026-03-02", "2026-03-02",
            [Facility("f", "Etc/UTC", Week("08:00", "12:00"))],
            [Room("room", "f", "exam")],
            [Provider("d1", "gp", "f", Week("08:00", "12:00"))],
            [Patient("pa"), Patient("pb"), Patient("pc")],
            [Type("visit", 30, "gp", ["exam"])],
            [Request("r1", "pa", "visit", priority: 5), Request("r2", "pb", "visit", priority: 3), Request("r3", "pc", "visit", priority: 2)]);
        var all = RequestCandidates.Build(new Calendar(problem));
        return (all, all.ToDictionary(c => c.Request.Id, StringComparer.Ordinal));
    }

    private static Placement At(RequestCandidates c, long start) => new(c.Facilities[0], c.Facilities[0].Providers[0], c.Facilities[0].Rooms[0], start);

    private static SolveSettings Settings(ILogger? logger = null) =>
        new(NodaTime.Duration.FromSeconds(1), 1, 0) { Monitor = new SolveMonitor(logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance) };

    [Fact]
    public void Complete_PlacementsThatOverlap_AreDroppedCountedAndLoggedAndNoOptimalityIsClaimed()
    {
        var (all, byId) = Candidates();
        var logger = new ListLogger();
        var settings = Settings(logger);
        var wrong = new PhasedResult(ScheduleStatus.Optimal, new Dictionary<string, Placement> { ["r1"] = At(byId["r1"], 480), ["r2"] = At(byId["r2"], 490) }, 8);

        var result = AppointmentScheduler.Complete(all, wrong, settings);

        Assert.Equal(ScheduleStatus.Feasible, result.Status);
        Assert.Null(PlacementCheck.FirstViolation(byId, result.Placements!));
        Assert.Equal(10, result.PriorityBound);
        Assert.Equal(1, settings.Monitor.DroppedSolutions);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(1002, entry.Id.Id);
        Assert.Equal("Placements from the search broke a rule of the problem and were dropped: request 'r2' overlaps another booking of its patient, provider, room or equipment", entry.Message);
    }

    [Fact]
    public void Monitor_DroppedSolution_LogsTheConstraintByIndexOnlyAndCountsIt()
    {
        var logger = new ListLogger();
        var monitor = new SolveMonitor(logger);

        monitor.Dropped(CpSatCall.Neighbourhood, "constraint 7 (NoOverlap): intervals 2 [14400, 14430) and 5 [14410, 14440) overlap");

        var entry = Assert.Single(logger.Entries);
        Assert.Equal((1001, "A CP-SAT solution of the Neighbourhood call broke its model and was dropped: constraint 7 (NoOverlap)"), (entry.Id.Id, entry.Message));
        Assert.Equal(1, monitor.DroppedSolutions);
    }

    [Fact]
    public void Complete_ARequestThatStillFits_IsInsertedAndAnOptimalClaimWithoutItIsWithdrawn()
    {
        var (all, byId) = Candidates();
        var settings = Settings();
        var claimed = new PhasedResult(ScheduleStatus.Optimal, new Dictionary<string, Placement> { ["r1"] = At(byId["r1"], 480), ["r2"] = At(byId["r2"], 510) }, 8);

        var result = AppointmentScheduler.Complete(all, claimed, settings);

        Assert.Equal(ScheduleStatus.Feasible, result.Status);
        Assert.Equal(["r1", "r2", "r3"], result.Placements!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(540, result.Placements["r3"].Start);
        Assert.Null(PlacementCheck.FirstViolation(byId, result.Placements));
        Assert.Equal(10, result.PriorityBound);
        Assert.Equal(0, settings.Monitor.DroppedSolutions);
    }

    [Fact]
    public void Complete_AMaximalValidBook_IsReturnedAsItIs()
    {
        var (all, byId) = Candidates();
        var placements = new Dictionary<string, Placement> { ["r1"] = At(byId["r1"], 480), ["r2"] = At(byId["r2"], 510), ["r3"] = At(byId["r3"], 690) };
        var optimal = new PhasedResult(ScheduleStatus.Optimal, placements, 10);

        var result = AppointmentScheduler.Complete(all, optimal, Settings());

        Assert.Same(optimal, result);
    }

    /// <summary>
    /// Solve (whole model and neighbourhoods), stopped early by a short limit, never leaves a slot that the recommender
    /// could still offer an unscheduled request.
    /// </summary>
    [Property(MaxTest = 12)]
    public void Solve_GeneratedProblem_LeavesNoSlotForAnyUnscheduledRequest(NonNegativeInt seed, PositiveInt size, bool neighbourhoods)
    {
        var problem = RandomProblems.Create(seed.Get, 40 + (size.Get % 80));
        var scheduler = new AppointmentScheduler { WholeModelLimit = neighbourhoods ? 1 : SolveSettings.DefaultWholeModelLimit, NeighbourhoodSize = neighbourhoods ? 4 : null };

        var schedule = SolveVerified(problem, new SolveOptions(NodaTime.Duration.FromSeconds(0.4), 1, seed.Get % 5), scheduler);

        var series = problem.Series.SelectMany(s => s.RequestIds).ToHashSet(StringComparer.Ordinal);
        var recommender = new SlotRecommender(problem, schedule);
        foreach (var unscheduled in schedule.Unscheduled.Where(u => !series.Contains(u.RequestId)))
        {
            Assert.Empty(recommender.Recommend(unscheduled.RequestId, top: 1).Slots);
        }
    }

    private sealed class ListLogger : ILogger
    {
        public List<(EventId Id, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId, formatter(state, exception)));
    }
}
