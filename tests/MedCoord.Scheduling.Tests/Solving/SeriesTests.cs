using FsCheck;
using FsCheck.Xunit;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>Recurring series (rule 10): booked all or none, at a cadence on the wall clock, with one provider.</summary>
public sealed class SeriesTests
{
    private const string Ny = "America/New_York";
    private static readonly IsoDayOfWeek Mon = IsoDayOfWeek.Monday;
    private static readonly IsoDayOfWeek Wed = IsoDayOfWeek.Wednesday;

    private static readonly AppointmentScheduler ByNeighbourhoods = new() { WholeModelLimit = 0 };

    /// <summary>A physiotherapy clinic over <paramref name="weeks"/> weeks from Monday 2026-10-05, in New York (DST ends 2026-11-01).</summary>
    private static Problem Physio(int weeks, IEnumerable<Provider>? providers = null, IEnumerable<AppointmentRequest>? extra = null, IEnumerable<Patient>? patients = null) =>
        Problem("2026-10-05", Date("2026-10-05").PlusWeeks(weeks).PlusDays(-1).ToString("uuuu-MM-dd", null),
            [Facility("clinic", Ny, Week("08:00", "18:00"))],
            [Room("gym-1", "clinic", "gym"), Room("gym-2", "clinic", "gym")],
            providers ?? [Provider("pt-a", "physio", "clinic", Week("09:00", "12:00", Mon, Wed))],
            patients ?? [Patient("p1"), Patient("p2"), Patient("p3")],
            [Type("physio", 45, "physio", ["gym"])],
            [.. Enumerable.Range(1, 6).Select(i => Request($"s{i}", "p1", "physio", priority: 2)), .. extra ?? []]);

    private static RequestSeries Weekly(int visits, int tolerance = 0, bool sameProvider = true) =>
        new("course", [.. Enumerable.Range(1, visits).Select(i => $"s{i}")], 7, tolerance, sameProvider);

    private static Problem WithSeries(Problem problem, params RequestSeries[] series) =>
        problem with { Series = series, Requests = [.. problem.Requests.Where(r => !r.Id.StartsWith('s') || series.Any(x => x.RequestIds.Contains(r.Id)))] };

    private static List<Assignment> Visits(Schedule schedule, RequestSeries series) =>
        [.. series.RequestIds.Select(id => Booked(schedule, id))];

    [Fact]
    public void Solve_WeeklySixVisits_BooksEveryVisitOnTheSameWeekdayAndTimeWithOneProvider()
    {
        var series = Weekly(6);
        var schedule = SolveVerified(WithSeries(Physio(weeks: 8), series));

        var visits = Visits(schedule, series);
        Assert.All(visits, a => Assert.Equal(visits[0].Start.LocalDateTime.TimeOfDay, a.Start.LocalDateTime.TimeOfDay));
        Assert.Equal(Enumerable.Range(0, 6).Select(k => visits[0].Start.Date.PlusWeeks(k)), visits.Select(a => a.Start.Date));
        Assert.Single(visits.Select(a => a.ProviderId).Distinct());
        Assert.Equal(Date("2026-10-05"), visits[0].Start.Date);
    }

    [Fact]
    public void Solve_SeriesAcrossTheEndOfDaylightTime_KeepsTheWallClockTime()
    {
        // Weekly from 2026-10-19: the third visit (2026-11-02) is after the clocks go back on 2026-11-01.
        var series = Weekly(3);
        var problem = WithSeries(Physio(weeks: 5, providers: [Provider("pt-a", "physio", "clinic", Week("09:00", "09:45", Mon))]), series) with
        {
            Requests = [.. Enumerable.Range(1, 3).Select(i => Request($"s{i}", "p1", "physio", "2026-10-19", priority: 2))],
        };

        var visits = Visits(SolveVerified(problem), series);

        Assert.Equal(["2026-10-19T09:00:00-04:00", "2026-10-26T09:00:00-04:00", "2026-11-02T09:00:00-05:00"], visits.Select(a => Format(a.Start)));
    }

    /// <summary>
    /// Weekly from 2026-10-19, three visits; the provider can start only at 09:00 on the two Mondays before the clocks go
    /// back and only at 08:00 on the one after: the same instant (13:00 UTC) each week, but an hour earlier on the wall clock.
    /// </summary>
    private static Problem SameInstantAcrossTheEndOfDaylightTime(int tolerance)
    {
        var provider = Provider("pt-a", "physio", "clinic", Week("08:00", "09:45", Mon)) with
        {
            TimeOff =
            [
                Block("2026-10-19T08:00:00-04:00", "2026-10-19T09:00:00-04:00"),
                Block("2026-10-26T08:00:00-04:00", "2026-10-26T09:00:00-04:00"),
                Block("2026-11-02T08:45:00-05:00", "2026-11-02T09:45:00-05:00"),
            ],
        };
        return WithSeries(Physio(weeks: 5, providers: [provider]), Weekly(3, tolerance)) with
        {
            Requests = [.. Enumerable.Range(1, 3).Select(i => Request($"s{i}", "p1", "physio", "2026-10-19", priority: 2))],
        };
    }

    [Fact]
    public void Solve_SameInstantButAnotherWallClockTimeAfterTheClocksGoBack_IsNotTheSeriesTime()
    {
        var schedule = SolveVerified(SameInstantAcrossTheEndOfDaylightTime(tolerance: 0));

        Assert.All(Weekly(3).RequestIds, id => Assert.Contains("series 'course'", NotBooked(schedule, id).Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Solve_SameInstantAcrossTheEndOfDaylightTime_FitsWithAnHourOfTolerance()
    {
        var visits = Visits(SolveVerified(SameInstantAcrossTheEndOfDaylightTime(tolerance: 60)), Weekly(3, 60));

        Assert.Equal(["2026-10-19T09:00:00-04:00", "2026-10-26T09:00:00-04:00", "2026-11-02T08:00:00-05:00"], visits.Select(a => Format(a.Start)));
    }

    [Theory]
    [InlineData(60, new[] { "2026-10-19T09:00:00-04:00", "2026-10-26T09:00:00-04:00", "2026-11-02T08:00:00-05:00" })]
    [InlineData(0, new string[0])]
    public void FirstFit_SeriesAcrossTheEndOfDaylightTime_PlacesTheVisitsOnTheirWallClockWindowsOrNone(int tolerance, string[] expected)
    {
        var calendar = new MedCoord.Scheduling.Time.Calendar(SameInstantAcrossTheEndOfDaylightTime(tolerance));

        var book = MedCoord.Scheduling.Solving.FirstFitHeuristic.Place(MedCoord.Scheduling.Solving.RequestCandidates.Build(calendar));

        var zone = Zone(Ny);
        Assert.Equal(expected, book.Placements.OrderBy(p => p.Value.Start)
            .Select(p => Format(calendar.Timeline.ToInstant(p.Value.Start).InZone(zone).ToOffsetDateTime())));
    }

    [Fact]
    public void FirstFit_WeeklySeriesWithFreeTimeBetweenTheVisits_PlacesEachVisitAWeekLaterAtTheSameTime()
    {
        // The provider works Monday and Wednesday mornings: the first free start after the first visit is the same
        // Monday at 09:45, and the Wednesday, neither of which is in the series' window.
        var calendar = new MedCoord.Scheduling.Time.Calendar(WithSeries(Physio(weeks: 3), Weekly(3)));

        var book = MedCoord.Scheduling.Solving.FirstFitHeuristic.Place(MedCoord.Scheduling.Solving.RequestCandidates.Build(calendar));

        var zone = Zone(Ny);
        Assert.Equal(["2026-10-05T09:00:00-04:00", "2026-10-12T09:00:00-04:00", "2026-10-19T09:00:00-04:00"],
            book.Placements.OrderBy(p => p.Value.Start).Select(p => Format(calendar.Timeline.ToInstant(p.Value.Start).InZone(zone).ToOffsetDateTime())));
    }

    /// <summary>First fit's placements, in start order, as "start provider" in New York time.</summary>
    private static List<string> FirstFit(Problem problem)
    {
        var calendar = new MedCoord.Scheduling.Time.Calendar(problem);
        var book = MedCoord.Scheduling.Solving.FirstFitHeuristic.Place(MedCoord.Scheduling.Solving.RequestCandidates.Build(calendar));
        return [.. book.Placements.Where(p => p.Key.StartsWith('s')).OrderBy(p => p.Value.Start)
            .Select(p => $"{Format(calendar.Timeline.ToInstant(p.Value.Start).InZone(Zone(Ny)).ToOffsetDateTime())} {p.Value.Provider?.ProviderId ?? "-"}")];
    }

    private static readonly Provider[] TwoPhysios =
    [
        Provider("pt-a", "physio", "clinic", Week("09:00", "12:00", Mon)),
        Provider("pt-b", "physio", "clinic", Week("09:00", "12:00", Mon)),
    ];

    [Fact]
    public void FirstFit_SameProvider_TakesTheFirstProvidersLaterStartWithinTheTolerance_OverAnothersEarlierOne()
    {
        var providers = TwoPhysios.Select(p => p.Id == "pt-a" ? p with { TimeOff = [Block("2026-10-12T09:00:00-04:00", "2026-10-12T10:00:00-04:00")] } : p);

        Assert.Equal(
            ["2026-10-05T09:00:00-04:00 pt-a", "2026-10-12T10:00:00-04:00 pt-a", "2026-10-19T09:00:00-04:00 pt-a"],
            FirstFit(WithSeries(Physio(weeks: 3, providers: providers), Weekly(3, tolerance: 60))));
        Assert.Equal(
            ["2026-10-05T09:00:00-04:00 pt-a", "2026-10-12T09:00:00-04:00 pt-b", "2026-10-19T09:00:00-04:00 pt-a"],
            FirstFit(WithSeries(Physio(weeks: 3, providers: providers), Weekly(3, tolerance: 60, sameProvider: false))));
    }

    [Fact]
    public void FirstFit_ProvidersFreeAtTheSameTime_KeepsTheFirst()
    {
        Assert.Equal(
            ["2026-10-05T09:00:00-04:00 pt-a", "2026-10-12T09:00:00-04:00 pt-a", "2026-10-19T09:00:00-04:00 pt-a"],
            FirstFit(WithSeries(Physio(weeks: 3, providers: TwoPhysios), Weekly(3, sameProvider: false))));
    }

    [Fact]
    public void FirstFit_AFirstVisitTimeThatFailsLater_IsUndone_AndTheNextFreeTimeTried()
    {
        // pt-a is held at 09:00-09:45 in week two: the series moves to 09:45 every week, and nothing of the failed tries stays.
        var problem = WithSeries(Physio(weeks: 3, extra: [Request("other", "p2", "physio")]), Weekly(3)) with
        {
            Fixed = [new FixedBooking("other", "pt-a", "gym-1", At("2026-10-12T09:00:00-04:00"))],
        };

        Assert.Equal(
            ["2026-10-05T09:45:00-04:00 pt-a", "2026-10-12T09:45:00-04:00 pt-a", "2026-10-19T09:45:00-04:00 pt-a"],
            FirstFit(problem));
    }

    [Fact]
    public void FirstFit_ALinkBetweenVisitsTheCadenceBreaks_UndoesEveryWholePlacement_AndBooksNoVisit()
    {
        // s1 must follow s2, which the series puts a week after it: a link to a later visit is checked once all are placed, so
        // every try places all three, then is undone.
        var weekly = WithSeries(Physio(weeks: 3), Weekly(3));
        var problem = weekly with { Requests = [.. weekly.Requests.Select(r => r.Id == "s1" ? r with { After = [new RequestLink("s2")] } : r)] };

        Assert.Empty(FirstFit(problem));
    }

    [Fact]
    public void FirstFit_ASeriesOfAVisitWithoutAProvider_IsPlacedInRoomsAlone()
    {
        var problem = WithSeries(Physio(weeks: 3), Weekly(3)) with
        {
            AppointmentTypes = [Type("physio", 45, null, ["gym"])],
        };

        Assert.Equal(
            ["2026-10-05T08:00:00-04:00 -", "2026-10-12T08:00:00-04:00 -", "2026-10-19T08:00:00-04:00 -"],
            FirstFit(problem));
    }

    [Theory]
    [InlineData(true, ", one provider")]
    [InlineData(false, "")]
    public void Solve_OneWeekImpossible_BooksNoVisitAndSaysTheSeriesCannotFit(bool sameProvider, string oneProvider)
    {
        var away = Provider("pt-a", "physio", "clinic", Week("09:00", "12:00", Mon, Wed)) with
        {
            TimeOff = [Block("2026-10-12T00:00:00-04:00", "2026-10-19T00:00:00-04:00")],
        };
        var series = Weekly(4, sameProvider: sameProvider);
        var problem = WithSeries(Physio(weeks: 4, providers: [away]), series);

        var schedule = SolveVerified(problem);

        Assert.All(series.RequestIds, id =>
        {
            var u = NotBooked(schedule, id);
            Assert.Equal(UnscheduledReason.NoAvailabilityInWindow, u.Reason);
            Assert.Equal(
                $"its series 'course' (4 visits every 7 days within 0 minutes of the first visit's time{oneProvider}) cannot be booked whole in its visits' windows and links, even with the calendar free",
                u.Message);
        });
    }

    [Fact]
    public void Solve_HigherPriorityWorkTakesOneWeek_BooksTheSeriesWholeElsewhereOrNotAtAll()
    {
        // An urgent visit takes the only provider's whole Monday and Wednesday mornings of the second week.
        var urgent = Enumerable.Range(0, 8).Select(i => Request($"u{i}", "p2", "physio", "2026-10-12", "2026-10-14", priority: 50)).ToList();
        var series = Weekly(2);
        var problem = WithSeries(Physio(weeks: 2, extra: urgent), series);

        var schedule = SolveVerified(problem);

        Assert.Equal(8, urgent.Count(u => schedule.Assignments.Any(a => a.RequestId == u.Id)));
        Assert.All(series.RequestIds, id =>
        {
            var u = NotBooked(schedule, id);
            Assert.Equal(UnscheduledReason.CapacityTaken, u.Reason);
            Assert.StartsWith("its series 'course' is booked whole or not at all, and every way to book all of it meets higher-priority work (provider 'pt-a' has 'u", u.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Solve_ALinkInsideASeriesThatMeetsHigherPriorityWork_IsCapacityTaken_NotAnUnscheduledPredecessor()
    {
        var urgent = Enumerable.Range(0, 8).Select(i => Request($"u{i}", "p2", "physio", "2026-10-12", "2026-10-14", priority: 50)).ToList();
        var series = Weekly(2);
        var problem = WithSeries(Physio(weeks: 2, extra: urgent), series);
        problem = problem with { Requests = [.. problem.Requests.Select(r => r.Id == "s2" ? r with { After = [new RequestLink("s1", 0, 8 * 24 * 60)] } : r)] };

        var schedule = SolveVerified(problem);

        Assert.All(series.RequestIds, id => Assert.Equal(UnscheduledReason.CapacityTaken, NotBooked(schedule, id).Reason));
    }

    [Fact]
    public void Solve_ProviderAwayInWeekTwo_KeepsOneProviderForEveryVisit()
    {
        // pt-a is free earlier in the first week but away in the second; pt-b works later both weeks.
        var providers = new[]
        {
            Provider("pt-a", "physio", "clinic", Week("08:00", "09:00", Mon)) with { TimeOff = [Block("2026-10-12T00:00:00-04:00", "2026-10-13T00:00:00-04:00")] },
            Provider("pt-b", "physio", "clinic", Week("10:00", "12:00", Mon)),
        };
        var series = new RequestSeries("course", ["s1", "s2"], 7, ToleranceMinutes: 180);

        var visits = Visits(SolveVerified(WithSeries(Physio(weeks: 2, providers), series)), series);

        Assert.Equal(["pt-b", "pt-b"], visits.Select(a => a.ProviderId));
        Assert.Equal([Date("2026-10-05"), Date("2026-10-12")], visits.Select(a => a.Start.Date));
    }

    [Fact]
    public void Solve_TwoProvidersWouldBookItSooner_KeepsOneProviderAndWaitsForHim()
    {
        // Monday 10-05 only pt-a works, Monday 10-12 only pt-b: two providers could start the course two days sooner
        // than one, who has the Wednesdays.
        var providers = new[]
        {
            Provider("pt-a", "physio", "clinic", Week("09:00", "12:00", Mon)) with { TimeOff = [Block("2026-10-12T00:00:00-04:00", "2026-10-13T00:00:00-04:00")] },
            Provider("pt-b", "physio", "clinic", Week("09:00", "12:00", Mon, Wed)) with { TimeOff = [Block("2026-10-05T00:00:00-04:00", "2026-10-06T00:00:00-04:00")] },
        };
        var series = Weekly(2);

        var visits = Visits(SolveVerified(WithSeries(Physio(weeks: 2, providers), series)), series);

        Assert.Equal([("pt-b", Date("2026-10-07")), ("pt-b", Date("2026-10-14"))], visits.Select(a => (a.ProviderId, a.Start.Date)));
    }

    [Fact]
    public void Solve_AVisitThatCanNeverBeBooked_LeavesTheWholeSeriesUnbooked()
    {
        // The second visit may only be on Tuesday 2026-10-13, when nobody works: the other two are not booked either.
        var series = Weekly(3);
        var problem = WithSeries(Physio(weeks: 3), series) with
        {
            Requests =
            [
                Request("s1", "p1", "physio", priority: 2),
                Request("s2", "p1", "physio", "2026-10-13", "2026-10-13", priority: 2),
                Request("s3", "p1", "physio", priority: 2),
                Request("other", "p2", "physio"),
            ],
        };

        var schedule = SolveVerified(problem);

        Assert.All(series.RequestIds, id => NotBooked(schedule, id));
        Booked(schedule, "other");
    }

    [Fact]
    public void Solve_WithoutSameProvider_MayChangeProvider()
    {
        var providers = new[]
        {
            Provider("pt-a", "physio", "clinic", Week("08:00", "09:00", Mon)) with { TimeOff = [Block("2026-10-12T00:00:00-04:00", "2026-10-13T00:00:00-04:00")] },
            Provider("pt-b", "physio", "clinic", Week("08:00", "12:00", Mon)) with { TimeOff = [Block("2026-10-05T00:00:00-04:00", "2026-10-06T00:00:00-04:00")] },
        };
        var series = new RequestSeries("course", ["s1", "s2"], 7, 0, SameProvider: false);

        var visits = Visits(SolveVerified(WithSeries(Physio(weeks: 2, providers), series)), series);

        Assert.Equal(["pt-a", "pt-b"], visits.Select(a => a.ProviderId));
    }

    [Fact]
    public void Solve_PatientBusyAtTheFirstTimeInWeekTwo_UsesTheTolerance()
    {
        // The first Monday leaves only 09:00 (the provider leaves at 09:45); the second, the patient is busy until 09:20
        // and the provider leaves at 10:05, so only 09:20 is left: 20 minutes off, within the 30 allowed.
        var patients = new[] { Patient("p1") with { Unavailable = [Block("2026-10-12T09:00:00-04:00", "2026-10-12T09:20:00-04:00")] }, Patient("p2"), Patient("p3") };
        var provider = Provider("pt-a", "physio", "clinic", Week("09:00", "10:05", Mon)) with { TimeOff = [Block("2026-10-05T09:45:00-04:00", "2026-10-05T10:05:00-04:00")] };
        var series = Weekly(2, tolerance: 30);

        var visits = Visits(SolveVerified(WithSeries(Physio(weeks: 2, [provider], patients: patients), series)), series);

        Assert.Equal(["2026-10-05T09:00:00-04:00", "2026-10-12T09:20:00-04:00"], visits.Select(a => Format(a.Start)));
    }

    [Fact]
    public void Solve_ByNeighbourhoods_BooksSeriesWholeAtTheirCadence()
    {
        var singles = Enumerable.Range(0, 20).Select(i => Request($"x{i}", $"p{2 + (i % 2)}", "physio", priority: 1 + (i % 3))).ToList();
        var providers = new[] { Provider("pt-a", "physio", "clinic", Week("09:00", "12:00", Mon, Wed)), Provider("pt-b", "physio", "clinic", Week("13:00", "17:00", Mon)) };
        var series = Weekly(4, tolerance: 15);

        var schedule = SolveVerified(WithSeries(Physio(weeks: 5, providers, singles), series), Quick(4), ByNeighbourhoods);

        Assert.Equal(4, Visits(schedule, series).Count);
    }

    [Fact]
    public void Replan_ProviderAwayOnOneVisitDay_MovesTheWholeSeriesTogether()
    {
        var series = Weekly(3);
        var problem = WithSeries(Physio(weeks: 4), series);
        var before = SolveVerified(problem);
        var visitDay = Visits(before, series)[1].Start.Date;
        var changed = problem with
        {
            Providers = [problem.Providers[0] with { TimeOff = [new NodaTime.Interval(Zone(Ny).AtStartOfDay(visitDay).ToInstant(), Zone(Ny).AtStartOfDay(visitDay.PlusDays(1)).ToInstant())] }],
        };

        var result = new AppointmentScheduler().Replan(changed, before, Quick());

        Assert.Empty(ScheduleVerifier.Violations(changed, result.Schedule));
        var after = Visits(result.Schedule, series);
        Assert.All(after, a => Assert.NotEqual(visitDay, a.Start.Date));
        Assert.Equal(3, result.Changes.Count(c => series.RequestIds.Contains(c.RequestId)));
    }

    [Fact]
    public void Fill_CancellingOneVisit_ReleasesTheRestOfTheSeries()
    {
        var series = Weekly(3);
        var waiting = new[] { Request("w1", "p2", "physio", priority: 1) };
        var problem = WithSeries(Physio(weeks: 3, providers: [Provider("pt-a", "physio", "clinic", Week("09:00", "09:45", Mon))], extra: waiting), series);
        var book = SolveVerified(problem);
        Assert.Equal(3, Visits(book, series).Count);

        var result = WaitlistFiller.Fill(problem, book, "s2");

        Assert.Empty(ScheduleVerifier.Violations(problem, result.Schedule));
        Assert.Equal(UnscheduledReason.Cancelled, NotBooked(result.Schedule, "s2").Reason);
        Assert.Equal(["s1", "s3"], result.Released.Select(r => r.RequestId).Order());
        Assert.All(result.Released, r => Assert.Equal(UnscheduledReason.SeriesIncomplete, r.Reason));
        Assert.Equal("w1", Assert.Single(result.Filled).RequestId);
    }

    [Fact]
    public void Recommend_AVisitOfASeries_IsRefusedWithTheSeriesNamed()
    {
        var series = Weekly(2);
        var problem = WithSeries(Physio(weeks: 2), series);
        var empty = new Schedule(ScheduleStatus.Feasible, new ScheduleObjective(0, 0, 0), [], [], new SolveStats(0, 0, 0));

        var error = Assert.Throws<RequestRefusedException>(() => new SlotRecommender(problem, empty).Recommend("s1"));

        Assert.Equal(RequestRefusalReason.SeriesVisit, error.Refusal.Reason);
        Assert.Contains("series 'course'", error.Refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verifier_HalfABookedSeries_IsARuleTenViolation()
    {
        var series = Weekly(2);
        var problem = WithSeries(Physio(weeks: 2), series);
        var schedule = SolveVerified(problem);
        var broken = schedule with
        {
            Assignments = [.. schedule.Assignments.Where(a => a.RequestId != "s2")],
            Unscheduled = [.. schedule.Unscheduled, new UnscheduledRequest("s2", UnscheduledReason.CapacityTaken, "test")],
        };

        Assert.Contains(ScheduleVerifier.Violations(problem, broken), v => v.StartsWith("rule 10: series course has 1 of its 2", StringComparison.Ordinal));
    }

    /// <summary>Random clinics with several series (weekly or every few days, some tolerance, either provider rule) among single visits.</summary>
    [Property(MaxTest = 12)]
    public void Solve_RandomSeries_AreWholeAndAtTheirCadence(PositiveInt seed, bool byNeighbourhoods)
    {
        var rng = new Random(seed.Get);
        var providers = Enumerable.Range(0, rng.Next(1, 4))
            .Select(i => Provider($"pt{i}", "physio", "clinic", Week($"{8 + rng.Next(3):00}:00", $"{12 + rng.Next(6)}:00", [.. new[] { Mon, Wed, IsoDayOfWeek.Friday }.Where(_ => rng.Next(3) > 0).DefaultIfEmpty(Mon)])))
            .ToList();
        var requests = new List<AppointmentRequest>();
        var allSeries = new List<RequestSeries>();
        var seriesCount = rng.Next(1, 4);
        for (var s = 0; s < seriesCount; s++)
        {
            var ids = Enumerable.Range(0, rng.Next(2, 5)).Select(k => $"c{s}v{k}").ToList();
            requests.AddRange(ids.Select(id => Request(id, $"p{s}", "physio", priority: rng.Next(1, 5))));
            allSeries.Add(new RequestSeries($"c{s}", ids, rng.Next(2) == 0 ? 7 : rng.Next(2, 5), rng.Next(3) * 30, rng.Next(3) > 0));
        }

        requests.AddRange(Enumerable.Range(0, rng.Next(5, 25)).Select(i => Request($"x{i}", $"q{i % 4}", "physio", priority: rng.Next(1, 5))));
        var problem = Problem("2026-10-19", "2026-11-15",
            [Facility("clinic", Ny, Week("08:00", "18:00"))],
            [Room("gym-1", "clinic", "gym")],
            providers,
            [.. Enumerable.Range(0, 4).Select(i => Patient($"p{i}")), .. Enumerable.Range(0, 4).Select(i => Patient($"q{i}"))],
            [Type("physio", 15 * rng.Next(2, 5), "physio", ["gym"])],
            requests) with { Series = allSeries };

        var schedule = SolveVerified(problem, Quick(3), byNeighbourhoods ? ByNeighbourhoods : null);

        Assert.All(allSeries, x => Assert.True(x.RequestIds.All(id => schedule.Assignments.Any(a => a.RequestId == id))
            || x.RequestIds.All(id => schedule.Unscheduled.Any(u => u.RequestId == id))));
    }
}
