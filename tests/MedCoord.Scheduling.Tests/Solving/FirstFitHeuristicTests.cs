using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>First fit on its own: its order, links, series, rooms and the check that it keeps fixed bookings' links.</summary>
public sealed class FirstFitHeuristicTests
{
    private const string Paris = "Europe/Paris";
    private static readonly IsoDayOfWeek Mon = IsoDayOfWeek.Monday;
    private static readonly IsoDayOfWeek Tue = IsoDayOfWeek.Tuesday;

    /// <summary>Monday 2026-12-07 to Friday in Paris, one exam room, dr-a working the given hours, patients p1–p9, 30-minute visits.</summary>
    private static Problem Clinic(IEnumerable<AppointmentRequest> requests, WeeklyHours hours, IEnumerable<FixedBooking>? fixedBookings = null, bool telehealth = false) =>
        Problem("2026-12-07", "2026-12-11",
            [Facility("main", Paris)], [Room("exam-1", "main", "exam")],
            [Provider("dr-a", "gp", "main", hours)],
            [.. Enumerable.Range(1, 9).Select(i => Patient($"p{i}"))],
            [Type("visit", 30, "gp", telehealth ? [] : ["exam"])],
            requests, fixedBookings);

    private static Instant Monday(string time) => At($"2026-12-07T{time}:00+01:00");

    /// <summary>First fit's placements as "request day HH:mm room" in Paris time, in start order.</summary>
    private static List<string> Placed(Book book, Calendar calendar) =>
        [.. book.Placements.OrderBy(p => p.Value.Start).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key} {calendar.Timeline.ToInstant(p.Value.Start).InZone(Zone(Paris)).ToString("ddd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} {p.Value.Room?.RoomId ?? "-"}")];

    private static List<string> FirstFit(Problem problem)
    {
        var calendar = new Calendar(problem);
        return Placed(FirstFitHeuristic.Place(RequestCandidates.Build(calendar)), calendar);
    }

    [Fact]
    public void Place_HigherPriorityFirst_ThenTheProblemsOrder()
    {
        var problem = Clinic([Request("a", "p1", "visit", priority: 1), Request("b", "p2", "visit", priority: 3), Request("c", "p3", "visit", priority: 3)],
            Week("09:00", "10:00", Mon));

        Assert.Equal(["b Mon 09:00 exam-1", "c Mon 09:30 exam-1"], FirstFit(problem));
    }

    [Fact]
    public void Place_ASuccessorOfAFixedBooking_FollowsIt()
    {
        var problem = Clinic([Request("f", "p1", "visit"), Request("s", "p1", "visit") with { After = [new RequestLink("f")] }],
            Week("08:00", "12:00", Mon), [new FixedBooking("f", "dr-a", "exam-1", Monday("10:00"))]);

        Assert.Equal(["f Mon 10:00 exam-1", "s Mon 10:30 exam-1"], FirstFit(problem));
    }

    [Fact]
    public void Place_SuccessorsOfHigherPriority_WaitForTheirChainOfPredecessors()
    {
        var problem = Clinic(
            [
                Request("x", "p1", "visit", priority: 5) with { After = [new RequestLink("y")] },
                Request("y", "p2", "visit", priority: 4) with { After = [new RequestLink("z")] },
                Request("z", "p3", "visit", priority: 1),
            ],
            Week("09:00", "12:00", Mon));

        Assert.Equal(["z Mon 09:00 exam-1", "y Mon 09:30 exam-1", "x Mon 10:00 exam-1"], FirstFit(problem));
    }

    [Fact]
    public void Place_ASuccessorOfARequestLeftUnplaced_IsNotPlaced()
    {
        // y may only come on Monday, whose one slot is fixed for f; x could come on Tuesday but follows y.
        var problem = Clinic(
            [
                Request("f", "p1", "visit", priority: 9), Request("y", "p2", "visit", "2026-12-07", "2026-12-07", priority: 5),
                Request("x", "p3", "visit", priority: 1) with { After = [new RequestLink("y")] },
            ],
            Week("09:00", "09:30", Mon, Tue), [new FixedBooking("f", "dr-a", "exam-1", Monday("09:00"))]);

        Assert.Equal(["f Mon 09:00 exam-1"], FirstFit(problem));
    }

    [Fact]
    public void Place_AVisitThatBooksNoRoom_IsPlacedWithoutOne()
    {
        var problem = Clinic([Request("r", "p1", "visit")], Week("09:00", "10:00", Mon), telehealth: true);

        Assert.Equal(["r Mon 09:00 -"], FirstFit(problem));
    }

    private static Problem Weekly(IEnumerable<AppointmentRequest> visits, IEnumerable<AppointmentRequest>? others = null, WeeklyHours? hours = null) =>
        Clinic([.. visits, .. others ?? []], hours ?? Week("09:00", "10:00", Mon)) with
        {
            Horizon = new DateInterval(Date("2026-12-07"), Date("2026-12-18")),
            Series = [new RequestSeries("course", [.. visits.Select(v => v.Id)], 7)],
        };

    [Fact]
    public void Place_ASeriesWhoseVisitsFollowEachOther_IsPlacedWhole()
    {
        var problem = Weekly([Request("s1", "p1", "visit"), Request("s2", "p1", "visit") with { After = [new RequestLink("s1", 0, 8 * 24 * 60)] }]);

        Assert.Equal(["s1 Mon 09:00 exam-1", "s2 Mon 09:00 exam-1"], FirstFit(problem));
    }

    [Fact]
    public void Place_ARequestFollowingAVisitOfASeries_IsPlacedOnceTheSeriesIs()
    {
        var problem = Weekly([Request("s1", "p1", "visit"), Request("s2", "p1", "visit")],
            [Request("x", "p1", "visit", "2026-12-07", "2026-12-07", priority: 9) with { After = [new RequestLink("s1")] }]);

        Assert.Equal(["s1 Mon 09:00 exam-1", "x Mon 09:30 exam-1", "s2 Mon 09:00 exam-1"], FirstFit(problem));
    }

    [Fact]
    public void Place_ASeriesWithAVisitThatCanNeverBeBooked_PlacesNoVisit()
    {
        // The second visit is 30 minutes longer than any of dr-a's mornings.
        var problem = Weekly([Request("s1", "p1", "visit"), Request("s2", "p1", "visit") with { DurationMinutes = 90 }]);

        Assert.Empty(FirstFit(problem));
    }

    [Fact]
    public void Place_ASeriesFollowingARequestLeftUnplaced_PlacesNoVisit()
    {
        // y may only come on the first Monday at 09:00, which f holds.
        var problem = Weekly([Request("s1", "p1", "visit") with { After = [new RequestLink("y")] }, Request("s2", "p1", "visit")],
            [Request("f", "p2", "visit", priority: 9), Request("y", "p3", "visit", "2026-12-07", "2026-12-07", priority: 5)], Week("09:00", "09:30", Mon))
            with { Fixed = [new FixedBooking("f", "dr-a", "exam-1", Monday("09:00"))] };

        Assert.Equal(["f Mon 09:00 exam-1"], FirstFit(problem));
    }

    [Fact]
    public void PlaceKeepingLinks_AFixedBookingWhosePredecessorComesOnlyLater_GivesNoBook_OtherwiseTheBook()
    {
        // s is fixed on Monday and follows y, which may come only on Tuesday; z is unlinked.
        var broken = Clinic(
            [Request("s", "p1", "visit") with { After = [new RequestLink("y")] }, Request("y", "p1", "visit", "2026-12-08", "2026-12-08"), Request("z", "p2", "visit")],
            Week("09:00", "12:00", Mon, Tue), [new FixedBooking("s", "dr-a", "exam-1", Monday("11:00"))]);
        var kept = broken with { Requests = [.. broken.Requests.Select(r => r.Id == "y" ? r with { Earliest = Date("2026-12-07"), Latest = Date("2026-12-07") } : r)] };

        Assert.Null(FirstFitHeuristic.PlaceKeepingLinks(RequestCandidates.Build(new Calendar(broken))));
        var calendar = new Calendar(kept);
        Assert.Equal(["y Mon 09:00 exam-1", "z Mon 09:30 exam-1", "s Mon 11:00 exam-1"], Placed(FirstFitHeuristic.PlaceKeepingLinks(RequestCandidates.Build(calendar))!, calendar));
    }
    [Fact]
    public void Place_ASeriesOutrankingTheRequestItsVisitFollows_WaitsForIt()
    {
        var problem = Weekly([Request("s1", "p1", "visit", priority: 9) with { After = [new RequestLink("x")] }, Request("s2", "p1", "visit", priority: 9)],
            [Request("x", "p2", "visit", "2026-12-07", "2026-12-07", priority: 1)]);

        Assert.Equal(["x Mon 09:00 exam-1", "s1 Mon 09:30 exam-1", "s2 Mon 09:30 exam-1"], FirstFit(problem));
    }

    [Fact]
    public void Place_AStartHoldingOneVisitOfASeries_PlacesNoOtherVisit()
    {
        var problem = Weekly([Request("s1", "p1", "visit"), Request("s2", "p1", "visit")], [Request("x", "p2", "visit", "2026-12-14", "2026-12-14")]);
        var calendar = new Calendar(problem);
        var candidates = RequestCandidates.Build(calendar);
        var whole = FirstFitHeuristic.Place(candidates);
        var start = new Book();
        start.Add(candidates[0], whole.Placements["s1"]);

        Assert.Equal(["s1 Mon 09:00 exam-1", "x Mon 09:00 exam-1"], Placed(FirstFitHeuristic.Place(candidates, start), calendar));
    }

    [Fact]
    public void Place_TheEarliestStartWins_OnATieTheFirstProviderAndRoomListed()
    {
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("main", Paris)], [Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam")],
            [Provider("dr-late", "gp", "main", Week("10:00", "12:00")), Provider("dr-b", "gp", "main", Week("09:00", "12:00")), Provider("dr-c", "gp", "main", Week("09:00", "12:00"))],
            [Patient("p1"), Patient("p2"), Patient("p3")], [Type("visit", 30, "gp", ["exam"])],
            [Request("a", "p1", "visit"), Request("b", "p2", "visit"), Request("c", "p3", "visit")]);
        var calendar = new Calendar(problem);

        var book = FirstFitHeuristic.Place(RequestCandidates.Build(calendar));

        Assert.Equal(["a 09:00 dr-b exam-1", "b 09:00 dr-c exam-2", "c 09:30 dr-b exam-1"],
            book.Placements.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"{p.Key} {calendar.Timeline.ToInstant(p.Value.Start).InZone(Zone(Paris)):HH:mm} {p.Value.Provider!.ProviderId} {p.Value.Room!.RoomId}"));
    }

    [Theory]
    [InlineData(599, false)]
    [InlineData(600, true)]
    [InlineData(601, true)]
    public void CannotBeat_AnOptionStartingNoEarlierThanTheBest(long earliest, bool expected)
    {
        var problem = Clinic([Request("r", "p1", "visit")], Week("09:00", "10:00", Mon));
        var facility = RequestCandidates.Build(new Calendar(problem))[0].Facilities[0];

        Assert.False(FirstFitHeuristic.CannotBeat(earliest, null));
        Assert.Equal(expected, FirstFitHeuristic.CannotBeat(earliest, new Placement(facility, null, null, 600)));
    }
}
