using Google.OrTools.Sat;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving.CpSat;

/// <summary>The CP-SAT model's shape: its size estimate, how it counts waiting, and the names a dumped model reads by.</summary>
public sealed class ScheduleModelTests
{
    /// <summary>March 2026 in Paris (summer time from the 29th), open every day; dr-a and dr-b, exam-1 and exam-2.</summary>
    private static Problem March(params AppointmentRequest[] requests) =>
        Problem("2026-03-02", "2026-03-31",
            [Facility("main", "Europe/Paris", Week("09:00", "17:00"))],
            [Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam")],
            [Provider("dr-a", "gp", "main", Week("09:00", "17:00")), Provider("dr-b", "gp", "main", Week("09:00", "17:00"))],
            [Patient("p1"), Patient("p2"), Patient("p3")],
            [Type("visit", 30, "gp", ["exam"]), Type("surgery", 60, "surgeon", ["exam"])],
            requests);

    private static IReadOnlyList<RequestCandidates> Candidates(Problem problem) => RequestCandidates.Build(new Calendar(problem));

    [Fact]
    public void SizeOf_OneLiteralPerRequest_ProviderAndRoom_ADayEachUpToFifteen_AndProviderDaysForADailyCap()
    {
        var candidates = Candidates(March(
            Request("short", "p1", "visit", "2026-03-02", "2026-03-04"),
            Request("long", "p2", "visit", "2026-03-02", "2026-03-21"),
            Request("never", "p3", "surgery")));
        Assert.Equal([3, 20], candidates.Where(c => c.CanBeScheduled).Select(c => c.Facilities.Single().Days.Count));

        // short: 1 + 2 providers + 2 rooms + 3 days; long: 1 + 2 + 2 + 15; never: nothing. A daily cap adds 2 × 3 and 2 × 20.
        Assert.Equal(8 + 20, ScheduleModel.SizeOf(candidates));
        Assert.Equal(8 + 20 + 6 + 40, ScheduleModel.SizeOf(candidates, perProviderDay: true));
    }

    [Fact]
    public void Waiting_AWindowOfFourteenDays_HasADayLiteralEach_ALongerOneCountsByDivisionPerOffsetStretch()
    {
        var model = new ScheduleModel(Candidates(March(
            Request("fortnight", "p1", "visit", "2026-03-16", "2026-03-29"),
            Request("longer", "p2", "visit", "2026-03-16", "2026-03-30"))));

        var fortnight = model.Requests["fortnight"];
        var longer = model.Requests["longer"];

        Assert.Equal(ScheduleModel.LongWindowDays, fortnight.Days.Count);
        Assert.Empty(fortnight.Segments);
        Assert.Empty(longer.Days);
        Assert.Equal(2, longer.Segments.Count);
    }

    [Fact]
    public void Waiting_ByDivision_IsTheLocalDateAfterTheEarliest_OnEitherSideOfTheClockChange()
    {
        // The patient is away until the given local midnight, so the earliest start is that day.
        foreach (var (until, expected) in new[] { ("2026-03-28T00:00:00+01:00", 12), ("2026-03-30T00:00:00+02:00", 14) })
        {
            var problem = March(Request("longer", "p2", "visit", "2026-03-16", "2026-03-30", priority: 3)) with
            {
                Patients = [new Patient("p2", null, null, [new Interval(At("2026-03-01T00:00:00Z"), At(until))])],
            };
            var model = new ScheduleModel(Candidates(problem));
            model.Model.Maximize(model.PriorityObjective * 1000 - model.WaitingObjective);

            var solver = new CpSolver { StringParameters = "num_workers:1 max_time_in_seconds:10" };

            Assert.Equal(CpSolverStatus.Optimal, solver.Solve(model.Model));
            Assert.Equal(3 * expected, solver.Value(model.WaitingObjective));
        }
    }

    [Fact]
    public void Waiting_ByDivision_AStartJustAfterMidnightInSummerTime_CountsItsOwnDate_NotTheDayBeforeInWinterTime()
    {
        // One half-hour a night, from midnight, with one provider. Three visits of higher priority hold the last three
        // nights of winter time; the earliest start left is 00:00 summer time on the 30th, which winter time's offset
        // would read as 23:00 on the 29th: each offset stretch holds only the starts inside it.
        var night = Week("00:00", "00:30");
        var problem = Problem("2026-03-02", "2026-04-30",
            [Facility("main", "Europe/Paris", night)], [Room("exam-1", "main", "exam")], [Provider("dr-a", "gp", "main", night)],
            [.. Enumerable.Range(1, 4).Select(i => Patient($"p{i}"))], [Type("visit", 30, "gp", ["exam"])],
            [
                Request("longer", "p4", "visit", "2026-03-16", "2026-04-30", priority: 3),
                .. new[] { "27", "28", "29" }.Select((day, i) => Request($"b{day}", $"p{i + 1}", "visit", $"2026-03-{day}", $"2026-03-{day}", priority: 10)),
            ]) with
        {
            Patients = [.. Enumerable.Range(1, 3).Select(i => Patient($"p{i}")), new Patient("p4", null, null, [new Interval(At("2026-03-01T00:00:00Z"), At("2026-03-27T00:00:00+01:00"))])],
        };
        var model = new ScheduleModel(Candidates(problem));
        Assert.Equal(2, model.Requests["longer"].Segments.Count);
        model.Model.Maximize(model.PriorityObjective * 1000 - model.WaitingObjective);

        var solver = new CpSolver { StringParameters = "num_workers:1 max_time_in_seconds:10" };

        Assert.Equal(CpSolverStatus.Optimal, solver.Solve(model.Model));
        Assert.Equal(At("2026-03-30T00:00:00+02:00"), new Calendar(problem).Timeline.ToInstant(solver.Value(model.Requests["longer"].Start)));
        Assert.Equal(3 * 14, solver.Value(model.WaitingObjective));
    }

    [Fact]
    public void Names_EveryVariableAndIntervalHasItsOwnName_NamingItsRequest()
    {
        var problem = March(
            Request("short", "p1", "visit", "2026-03-02", "2026-03-04"),
            Request("long", "p2", "visit", "2026-03-02", "2026-03-31"),
            Request("held", "p3", "visit", "2026-03-02", "2026-03-02")) with
        {
            Facilities = [Facility("main", "Europe/Paris", Week("09:00", "17:00")), Facility("annex", "Europe/Paris", Week("09:00", "17:00"))],
            Rooms = [Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam"), Room("annex-1", "annex", "exam")],
            Providers =
            [
                new Provider("dr-a", ["gp"], [new ProviderAvailability("main", Week("09:00", "17:00")), new ProviderAvailability("annex", Week("09:00", "17:00"))], []),
                Provider("dr-b", "gp", "main", Week("09:00", "17:00")),
            ],
            Fixed = [new FixedBooking("held", "dr-a", "exam-1", At("2026-03-02T10:00:00+01:00"))],
        };
        var model = new ScheduleModel(Candidates(problem), fixedByAssumption: true);
        var proto = model.Model.Model;

        var names = proto.Variables.Select(v => v.Name).Where(n => n.Length > 0).ToList();
        var intervals = proto.Constraints.Where(c => c.ConstraintCase == Google.OrTools.Sat.ConstraintProto.ConstraintOneofCase.Interval).Select(c => c.Name).ToList();

        Assert.Equal([], names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Equal([], intervals.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.All(names.Concat(intervals), n => Assert.Matches(@"^[a-z-]+\[(short|long|held)(,[^\]]+)?\]$", n));
        Assert.All(model.Decisions, v => Assert.NotEqual("", v.Name()));
        var kinds = names.Concat(intervals).Select(n => n[..n.IndexOf('[', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(
            ["appointment", "day", "facility", "fixed", "local-day", "offset-stretch", "provider", "provider-booking", "room", "room-booking", "scheduled", "start", "waiting-days"],
            kinds.Order(StringComparer.Ordinal));
    }
}
