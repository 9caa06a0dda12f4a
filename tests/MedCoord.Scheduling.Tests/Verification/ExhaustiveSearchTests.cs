using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Verification;

/// <summary>The exhaustive oracle must find optima a person can check by hand, or the optimality properties prove nothing.</summary>
public sealed class ExhaustiveSearchTests
{
    private static Problem OneSlot(params AppointmentRequest[] requests) =>
        Problem("2026-12-07", "2026-12-07",
            [Facility("f", "America/New_York", Week("09:00", "17:00"))],
            [Room("room", "f", "exam")],
            [Provider("dr", "gp", "f", Week("09:00", "10:00"))],
            [Patient("p1"), Patient("p2"), Patient("p3")],
            [Type("visit", 60, "gp", ["exam"])],
            requests);

    [Fact]
    public void BestPriority_TwoRequestsForOneSlot_TakesTheHigherPriority()
    {
        var problem = OneSlot(Request("a", "p1", "visit", priority: 3), Request("b", "p2", "visit", priority: 5));

        Assert.Equal(5, ExhaustiveSearch.BestPriority(problem));
        Assert.Equal("b", Assert.Single(ExhaustiveSearch.BestAssignments(problem)!).RequestId);
    }

    [Fact]
    public void BestPriority_ThreeHalfHourRequestsInAnHour_BooksTwo()
    {
        var problem = OneSlot(Request("a", "p1", "visit", priority: 2), Request("b", "p2", "visit", priority: 3), Request("c", "p3", "visit", priority: 4))
            with { AppointmentTypes = [Type("visit", 30, "gp", ["exam"])] };

        Assert.Equal(7, ExhaustiveSearch.BestPriority(problem));
    }

    [Fact]
    public void BestPriority_OnlyStartOnAQuarterHour_FindsIt()
    {
        // Kathmandu is UTC+5:45: the patient's 09:00-10:00 is 03:15-04:15 UTC, the only hour the request fits.
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("f", "Etc/UTC")], [], [Provider("dr", "gp", "f", Week("00:00", "24:00"))],
            [new Patient("p", Zone("Asia/Kathmandu"), [Week("09:00", "10:00")], [])],
            [Type("tele", 60, "gp")], [Request("r", "p", "tele", priority: 4)]);

        var best = Assert.Single(ExhaustiveSearch.BestAssignments(problem)!);

        Assert.Equal("2026-12-07T03:15:00+00:00", Format(best.Start));
    }

    [Fact]
    public void BestPriority_SuccessorOnlyFitsBeforeItsPredecessor_BooksThePredecessorAlone()
    {
        var problem = OneSlot(
            Request("first", "p1", "visit", priority: 2),
            Request("second", "p1", "visit", priority: 9) with { After = [new RequestLink("first", 0, 60)] })
            with { Providers = [Provider("dr", "gp", "f", Week("09:00", "11:00"))] };

        Assert.Equal(11, ExhaustiveSearch.BestPriority(problem));
        Assert.Equal(2, ExhaustiveSearch.BestPriority(problem with { Providers = [Provider("dr", "gp", "f", Week("09:00", "10:00"))] }));
    }

    [Fact]
    public void BestPriority_SeriesWithAVisitThatCannotFit_BooksNoneOfIt()
    {
        var problem = Problem("2026-12-07", "2026-12-08",
            [Facility("f", "Europe/London")], [], [Provider("dr", "gp", "f", Week("09:00", "10:00", IsoDayOfWeek.Monday))],
            [Patient("p")], [Type("tele", 60, "gp")],
            [Request("v1", "p", "tele", priority: 5), Request("v2", "p", "tele", priority: 5)])
            with { Series = [new RequestSeries("s", ["v1", "v2"], 1)] };

        Assert.Equal(0, ExhaustiveSearch.BestPriority(problem));
        var open = problem with { Providers = [Provider("dr", "gp", "f", Week("09:00", "10:00"))] };
        Assert.Equal(10, ExhaustiveSearch.BestPriority(open));
    }

    [Fact]
    public void BestPriority_AucklandSaturdayOnTheLastNewYorkFriday_BooksIt()
    {
        // Saturday 09:00-11:00 in Auckland (UTC+13) is Friday 15:00-17:00 in New York, the horizon's last date.
        var problem = Problem("2026-12-07", "2026-12-11",
            [Facility("nyc", "America/New_York", Week("09:00", "17:00"))], [], [Provider("dr", "gp", "nyc", Week("09:00", "17:00"))],
            [new Patient("p", Zone("Pacific/Auckland"), [Week("09:00", "11:00", IsoDayOfWeek.Saturday)], [])],
            [Type("tele", 60, "gp")], [Request("r", "p", "tele", priority: 3)]);

        Assert.Equal(3, ExhaustiveSearch.BestPriority(problem));
    }

    [Fact]
    public void BestPriority_FixedBooking_IsKeptAndCounted()
    {
        var problem = OneSlot(Request("a", "p1", "visit", priority: 3), Request("b", "p2", "visit", priority: 5))
            with { Fixed = [new FixedBooking("a", "dr", "room", At("2026-12-07T09:00:00-05:00"))] };

        Assert.Equal(3, ExhaustiveSearch.BestPriority(problem));
    }

    [Fact]
    public void BestPriority_TooManyRequestsOrNodes_IsNull()
    {
        var problem = OneSlot(Request("a", "p1", "visit", priority: 3), Request("b", "p2", "visit", priority: 5), Request("c", "p3", "visit"));

        Assert.Null(ExhaustiveSearch.BestPriority(problem, maxRequests: 2));
        Assert.Null(ExhaustiveSearch.BestPriority(problem with { AppointmentTypes = [Type("visit", 35, "gp", ["exam"])] }, maxSteps: 10));
    }
}

/// <summary>The reason check must catch a false never-fits claim and accept a true one.</summary>
public sealed class ReasonCheckTests
{
    private static readonly Problem Problem = TestProblems.Problem("2026-12-07", "2026-12-11",
        [Facility("nyc", "America/New_York", Week("09:00", "17:00"))], [], [Provider("dr", "gp", "nyc", Week("09:00", "17:00"))],
        [new Patient("p", Zone("Pacific/Auckland"), [Week("09:00", "11:00", IsoDayOfWeek.Saturday)], []), Patient("q")],
        [Type("tele", 60, "gp"), Type("long", 600, "gp")],
        [Request("edge", "p", "tele"), Request("too-long", "q", "long"), Request("follows", "q", "tele") with { After = [new RequestLink("too-long")] }]);

    private static Schedule Unbooked(params (string Id, UnscheduledReason Reason)[] reasons) =>
        new(ScheduleStatus.Feasible, new ScheduleObjective(0, 0, 0), [], [.. reasons.Select(r => new UnscheduledRequest(r.Id, r.Reason, "claim"))], new SolveStats(0, 1, 0));

    [Fact]
    public void FalseClaims_FarZoneRequestCalledNeverFits_IsCaught()
    {
        var claims = ReasonCheck.FalseClaims(Problem, Unbooked(
            ("edge", UnscheduledReason.NoAvailabilityInWindow), ("too-long", UnscheduledReason.NoAvailabilityInWindow), ("follows", UnscheduledReason.PredecessorUnscheduled)));

        Assert.Equal("edge: NoAvailabilityInWindow, but alone it fits at 2026-12-11T15:00:00-05 at nyc (provider dr, room none)", Assert.Single(claims));
    }

    [Fact]
    public void FalseClaims_SuccessorOfARequestThatNeverFits_NeverFitsEither()
    {
        var claims = ReasonCheck.FalseClaims(Problem, Unbooked(("follows", UnscheduledReason.NoAvailabilityInWindow)));

        Assert.Empty(claims);
    }
}
