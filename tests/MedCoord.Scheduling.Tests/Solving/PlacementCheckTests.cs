using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>The library's own check of placements before they are used: each rule broken on purpose, and the repair.</summary>
public sealed class PlacementCheckTests
{
    // 2026-03-02 is a Monday; UTC keeps minutes and wall clock equal, and minute 0 is 00:00 on the first date.
    private static (Dictionary<string, RequestCandidates> ById, Problem Problem) Candidates(IEnumerable<FixedBooking>? fixedBookings = null, int roomPlaces = 1)
    {
        var problem = Problem(
            "2026-03-02", "2026-03-02",
            [Facility("f", "Etc/UTC", Week("08:00", "12:00"))],
            [Room("room", "f", "exam") with { Capacity = roomPlaces }],
            [Provider("d1", "gp", "f", Week("08:00", "12:00")), Provider("d2", "gp", "f", Week("08:00", "10:00"))],
            [Patient("pa"), Patient("pb")],
            [Type("visit", 30, "gp", ["exam"], buffer: 10)],
            [
                Request("r1", "pa", "visit"),
                Request("r2", "pb", "visit"),
                Request("r3", "pa", "visit") with { After = [new RequestLink("r1", 0, 60)] },
            ],
            fixedBookings);
        var calendar = new Calendar(problem);
        return (RequestCandidates.Build(calendar).ToDictionary(c => c.Request.Id, StringComparer.Ordinal), problem);
    }

    private static Placement At(RequestCandidates c, string provider, long start)
    {
        var facility = c.Facilities[0];
        return new Placement(facility, facility.Providers.Single(p => p.ProviderId == provider), facility.Rooms[0], start);
    }

    private static string? Check(Dictionary<string, RequestCandidates> byId, params (string Id, string Provider, long Start)[] placements) =>
        PlacementCheck.FirstViolation(byId, placements.ToDictionary(p => p.Id, p => At(byId[p.Id], p.Provider, p.Start), StringComparer.Ordinal));

    [Fact]
    public void FirstViolation_PlacementsThatKeepEveryRule_IsNull()
    {
        var (byId, _) = Candidates();

        Assert.Null(Check(byId, ("r1", "d1", 480), ("r2", "d2", 520), ("r3", "d1", 570)));
    }

    [Fact]
    public void FirstViolation_StartOutsideOpeningHours_NamesTheFacility()
    {
        var (byId, _) = Candidates();

        Assert.Equal("request 'r1' cannot start then at facility 'f'", Check(byId, ("r1", "d1", 420)));
    }

    [Fact]
    public void FirstViolation_RoomStillInItsBuffer_IsAnOverlap()
    {
        var (byId, _) = Candidates();

        Assert.Null(Check(byId, ("r1", "d1", 480), ("r2", "d2", 520)));
        Assert.Equal("request 'r2' overlaps another booking of its patient, provider, room or equipment", Check(byId, ("r1", "d1", 480), ("r2", "d2", 515)));
    }

    [Fact]
    public void FirstViolation_LinkGapTooLongOrPredecessorMissing_NamesTheLink()
    {
        var (byId, _) = Candidates();

        Assert.Equal("request 'r3' does not keep the gap of its link to request 'r1'", Check(byId, ("r1", "d1", 480), ("r3", "d1", 600)));
        Assert.Equal("request 'r3' is booked but request 'r1', which it follows, is not", Check(byId, ("r3", "d1", 600)));
    }

    [Fact]
    public void FirstViolation_FixedRequestMoved_IsAViolation()
    {
        var (byId, _) = Candidates([new FixedBooking("r2", "d2", "room", TestProblems.At("2026-03-02T09:00:00Z"))]);

        Assert.Null(Check(byId, ("r2", "d2", 540)));
        Assert.Equal("request 'r2' cannot start then at facility 'f'", Check(byId, ("r2", "d2", 600)));
    }

    [Fact]
    public void FirstViolation_ProviderOutsideTheirHoursOrMissing_NamesTheProvider()
    {
        var (byId, _) = Candidates();
        var c = byId["r2"];
        var facility = c.Facilities[0];

        Assert.Equal("request 'r2' cannot start then with provider 'd2'", Check(byId, ("r2", "d2", 600)));
        Assert.Null(Check(byId, ("r2", "d1", 600)));
        Assert.Equal("request 'r2' cannot start then with provider ''",
            PlacementCheck.FirstViolation(byId, new Dictionary<string, Placement> { ["r2"] = new(facility, null, facility.Rooms[0], 600) }));
        Assert.Equal("request 'r2' cannot start then with provider 'nobody'",
            PlacementCheck.FirstViolation(byId, new Dictionary<string, Placement> { ["r2"] = new(facility, new ProviderOption("nobody", facility.Starts), facility.Rooms[0], 600) }));
    }

    [Fact]
    public void FirstViolation_RoomMissingOrUnknown_NamesTheRoom()
    {
        var (byId, _) = Candidates();
        var facility = byId["r2"].Facilities[0];
        var provider = facility.Providers[0];

        Assert.Equal("request 'r2' cannot start then in room ''",
            PlacementCheck.FirstViolation(byId, new Dictionary<string, Placement> { ["r2"] = new(facility, provider, null, 600) }));
        Assert.Equal("request 'r2' cannot start then in room 'attic'",
            PlacementCheck.FirstViolation(byId, new Dictionary<string, Placement> { ["r2"] = new(facility, provider, new RoomOption("attic", facility.Starts), 600) }));
    }

    [Fact]
    public void FirstViolation_UnknownRequest_IsNamed()
    {
        var (byId, _) = Candidates();
        var facility = byId["r2"].Facilities[0];

        Assert.Equal("request 'r9' is not in the problem",
            PlacementCheck.FirstViolation(byId, new Dictionary<string, Placement> { ["r9"] = new(facility, facility.Providers[0], facility.Rooms[0], 600) }));
    }

    [Fact]
    public void FirstViolation_SharedRoom_HoldsAsManyAsItHasPlaces()
    {
        var (byId, _) = Candidates(roomPlaces: 2);

        Assert.Null(Check(byId, ("r1", "d1", 480), ("r2", "d2", 490)));
    }

    [Fact]
    public void FirstViolation_FixedRequestWithAnotherProvider_IsFixedElsewhere()
    {
        var (byId, _) = Candidates([new FixedBooking("r2", "d2", "room", TestProblems.At("2026-03-02T09:00:00Z"))]);
        var facility = byId["r2"].Facilities[0];
        var other = new ProviderOption("d1", facility.Starts);

        Assert.Equal("request 'r2' cannot start then with provider 'd1'",
            PlacementCheck.FirstViolation(byId, new Dictionary<string, Placement> { ["r2"] = new(facility, other, facility.Rooms[0], 540) }));
    }

    [Fact]
    public void SeriesViolation_PartOfASeriesOrOffItsCadence_IsAViolation()
    {
        var series = new RequestSeries("s", ["r1", "r2"], IntervalDays: 1);
        var (byId, _) = Candidates();
        var p1 = At(byId["r1"], "d1", 480);

        Assert.Null(SeriesRule.Violation([series], new Dictionary<string, Placement>()));
        Assert.Equal("series 's' is not booked whole at its cadence", SeriesRule.Violation([series], new Dictionary<string, Placement> { ["r1"] = p1 }));
    }

    [Fact]
    public void KeepValid_OverlapAndBrokenLink_KeepsTheLargestValidPart()
    {
        var (byId, _) = Candidates();
        var placements = new Dictionary<string, Placement>(StringComparer.Ordinal)
        {
            ["r1"] = At(byId["r1"], "d1", 480),
            ["r2"] = At(byId["r2"], "d1", 490),   // d1 is still with r1
            ["r3"] = At(byId["r3"], "d2", 700),   // too long after r1
        };

        var kept = PlacementCheck.KeepValid(byId, placements);

        Assert.Equal(["r1"], kept.Keys.Order(StringComparer.Ordinal));
        Assert.Null(PlacementCheck.FirstViolation(byId, kept));
    }
}
