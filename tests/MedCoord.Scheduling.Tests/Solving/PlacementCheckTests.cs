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

    /// <summary>
    /// Two days (minute 1440 is 00:00 on Tuesday), two rooms, a type with no room, one with no provider, one nobody is
    /// skilled for, a link with both gaps, a daily series whose second visit follows 'blood', and a request after the
    /// series' first visit.
    /// </summary>
    private static Dictionary<string, RequestCandidates> Clinic()
    {
        var problem = Problem(
            "2026-03-02", "2026-03-03",
            [Facility("f", "Etc/UTC", Week("08:00", "12:00"))],
            [Room("room", "f", "exam"), Room("room2", "f", "exam")],
            [Provider("d1", "gp", "f", Week("08:00", "12:00")), Provider("d2", "gp", "f", Week("08:00", "12:00"))],
            [Patient("pa"), Patient("pb"), Patient("pc"), Patient("pd"), Patient("pe")],
            [Type("visit", 30, "gp", ["exam"]), Type("phone", 20, "gp"), Type("lab", 15, null, ["exam"]), Type("surgery", 60, "surgeon", ["exam"])],
            [
                Request("first", "pa", "visit"),
                Request("next", "pa", "visit") with { After = [new RequestLink("first", 15, 60)] },
                Request("call", "pb", "phone"),
                Request("blood", "pb", "lab"),
                Request("op", "pc", "surgery"),
                Request("v1", "pd", "visit"),
                Request("v2", "pd", "visit") with { After = [new RequestLink("blood")] },
                Request("later", "pe", "visit") with { After = [new RequestLink("v1")] },
            ]) with { Series = [new RequestSeries("s", ["v1", "v2"], IntervalDays: 1)] };
        return RequestCandidates.Build(new Calendar(problem)).ToDictionary(c => c.Request.Id, StringComparer.Ordinal);
    }

    /// <summary>A placement in the request's first facility with the provider and room of those ids (null for none).</summary>
    private static Placement Put(RequestCandidates c, string? provider, string? room, long start)
    {
        var facility = c.Facilities[0];
        return new Placement(
            facility, provider is null ? null : facility.Providers.Single(p => p.ProviderId == provider), room is null ? null : facility.Rooms.Single(r => r.RoomId == room), start);
    }

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
    [Theory]
    [InlineData(524, false)]
    [InlineData(525, true)]
    [InlineData(570, true)]
    [InlineData(571, false)]
    public void FirstViolation_LinkWithAMinimumAndAMaximumGap_HoldsFromTheOneToTheOther(long start, bool holds)
    {
        var byId = Clinic();

        // 'first' ends at 510; 'next' may start 15 to 60 minutes later.
        var violation = PlacementCheck.FirstViolation(byId, new Dictionary<string, Placement>
        {
            ["first"] = Put(byId["first"], "d1", "room", 480),
            ["next"] = Put(byId["next"], "d1", "room", start),
        });

        Assert.Equal(holds ? null : "request 'next' does not keep the gap of its link to request 'first'", violation);
    }

    [Fact]
    public void LinkRule_Window_RunsFromTheMinimumToTheMaximumGapInclusive()
    {
        Assert.Equal(new[] { (525L, 571L) }, LinkRule.Window(new RequestLink("first", 15, 60), 510).Ranges);
        Assert.Equal(new[] { (525L, MinuteSet.Highest) }, LinkRule.Window(new RequestLink("first", 15), 510).Ranges);
        Assert.True(LinkRule.Holds(new RequestLink("first", 15), 510, 100_000));
        Assert.False(LinkRule.Holds(new RequestLink("first", 15), 510, 524));
    }

    [Fact]
    public void FirstViolation_TwoBookingsAtTheSameStart_ReportsTheOneWithTheLaterId()
    {
        var byId = Clinic();

        // Both take the room at 08:00; 'blood' comes first by id although it was added second.
        var violation = PlacementCheck.FirstViolation(byId, new Dictionary<string, Placement>
        {
            ["first"] = Put(byId["first"], "d1", "room", 480),
            ["blood"] = Put(byId["blood"], null, "room", 480),
        });

        Assert.Equal("request 'first' overlaps another booking of its patient, provider, room or equipment", violation);
    }

    [Fact]
    public void FirstViolation_TypesThatBookNoRoomOrNoProvider_TakeNoneAndRefuseOne()
    {
        var byId = Clinic();
        var (call, blood) = (byId["call"], byId["blood"]);
        var withRoom = new Placement(call.Facilities[0], call.Facilities[0].Providers[0], new RoomOption("room", call.Facilities[0].Starts), 480);
        var withProvider = new Placement(blood.Facilities[0], new ProviderOption("d1", blood.Facilities[0].Starts), blood.Facilities[0].Rooms[0], 540);

        Assert.Null(PlacementCheck.FirstViolation(byId, new Dictionary<string, Placement> { ["call"] = Put(call, "d1", null, 480), ["blood"] = Put(blood, null, "room", 540) }));
        Assert.Equal("cannot start then in room 'room'", OptionRule.Violation(call, withRoom));
        Assert.Equal("cannot start then with provider 'd1'", OptionRule.Violation(blood, withProvider));
    }

    [Fact]
    public void FirstViolation_RequestNobodyCanHost_CannotBeBookedAtAll()
    {
        var byId = Clinic();
        var facility = byId["first"].Facilities[0];

        Assert.False(byId["op"].CanBeScheduled);
        Assert.Equal("request 'op' cannot be booked at all",
            PlacementCheck.FirstViolation(byId, new Dictionary<string, Placement> { ["op"] = new(facility, facility.Providers[0], facility.Rooms[0], 480) }));
    }

    [Fact]
    public void FirstViolation_FacilityNotAmongTheRequestsOptions_NamesIt()
    {
        var byId = Clinic();
        var elsewhere = byId["first"].Facilities[0] with { FacilityId = "g" };

        Assert.Equal("request 'first' cannot start then at facility 'g'",
            PlacementCheck.FirstViolation(byId, new Dictionary<string, Placement> { ["first"] = new(elsewhere, elsewhere.Providers[0], elsewhere.Rooms[0], 480) }));
    }

    [Fact]
    public void OptionViolation_PlacementThatDiffersFromItsFixedBookingInOneThing_IsFixedElsewhere()
    {
        // Candidates whose options are wider than the fixed booking (d1 in 'room' at 09:00): only the booking itself passes.
        var c = Clinic()["first"];
        RequestCandidates Pinned(string facilityId) => new()
        {
            Index = c.Index, Request = c.Request, Type = c.Type, Duration = c.Duration, Facilities = c.Facilities,
            Fixed = new FixedPlacement(new FixedBooking("first", "d1", "room", TestProblems.At("2026-03-02T09:00:00Z")), c.Request, facilityId, 540, 570, 570),
        };

        Assert.Null(OptionRule.Violation(Pinned("f"), Put(c, "d1", "room", 540)));
        Assert.Equal("is fixed elsewhere", OptionRule.Violation(Pinned("f"), Put(c, "d1", "room", 510)));
        Assert.Equal("is fixed elsewhere", OptionRule.Violation(Pinned("f"), Put(c, "d2", "room", 540)));
        Assert.Equal("is fixed elsewhere", OptionRule.Violation(Pinned("f"), Put(c, "d1", "room2", 540)));
        Assert.Equal("is fixed elsewhere", OptionRule.Violation(Pinned("g"), Put(c, "d1", "room", 540)));
    }

    [Fact]
    public void FirstViolation_SeriesBookedWholeAtItsCadence_HoldsAndOffItOrInPartDoesNot()
    {
        var byId = Clinic();
        Dictionary<string, Placement> Booked(long? second)
        {
            var placements = new Dictionary<string, Placement> { ["blood"] = Put(byId["blood"], null, "room2", 480), ["v1"] = Put(byId["v1"], "d1", "room", 480) };
            if (second is { } start)
            {
                placements["v2"] = Put(byId["v2"], "d1", "room", start);
            }

            return placements;
        }

        Assert.Null(PlacementCheck.FirstViolation(byId, Booked(1440 + 480)));
        Assert.Equal("series 's' is not booked whole at its cadence", PlacementCheck.FirstViolation(byId, Booked(1440 + 481)));
        Assert.Equal("series 's' is not booked whole at its cadence", PlacementCheck.FirstViolation(byId, Booked(null)));
    }

    [Fact]
    public void KeepValid_ALaterBrokenSeriesVisit_TakesTheWholeSeriesAndWhatFollowsItsFirstVisit()
    {
        var byId = Clinic();
        var facility = byId["first"].Facilities[0];
        var placements = new Dictionary<string, Placement>(StringComparer.Ordinal)
        {
            ["v1"] = Put(byId["v1"], "d1", "room", 480),
            ["later"] = Put(byId["later"], "d2", "room2", 600),     // follows v1, so goes once the series goes
            ["v2"] = Put(byId["v2"], "d1", "room", 1440 + 480),     // at the cadence, but 'blood', which it follows, is not booked
            ["first"] = Put(byId["first"], "d1", "room", 540),
            ["call"] = Put(byId["call"], "d2", null, 420),          // before opening
            ["nobody"] = new(facility, facility.Providers[0], facility.Rooms[0], 700),
        };

        var kept = PlacementCheck.KeepValid(byId, placements);

        Assert.Equal(["first"], kept.Keys);
        Assert.Equal(540, kept["first"].Start);
    }

    [Fact]
    public void KeepValid_LinksThatHoldAndASeriesAtItsCadence_AreAllKept()
    {
        var byId = Clinic();
        var placements = new Dictionary<string, Placement>(StringComparer.Ordinal)
        {
            ["first"] = Put(byId["first"], "d1", "room", 480),
            ["next"] = Put(byId["next"], "d1", "room", 525),            // 15 minutes after 'first' ends
            ["blood"] = Put(byId["blood"], null, "room2", 540),
            ["v1"] = Put(byId["v1"], "d2", "room2", 600),
            ["v2"] = Put(byId["v2"], "d2", "room2", 1440 + 600),      // a day later, after 'blood'
        };

        var kept = PlacementCheck.KeepValid(byId, placements);

        Assert.Equal(["blood", "first", "next", "v1", "v2"], kept.Keys.Order(StringComparer.Ordinal));
        Assert.Null(PlacementCheck.FirstViolation(byId, kept));
    }

    [Fact]
    public void KeepValid_TwoBookingsOfOneRoomAtTheSameStart_KeepsTheOneWithTheEarlierId()
    {
        var byId = Clinic();
        var placements = new Dictionary<string, Placement>(StringComparer.Ordinal)
        {
            ["first"] = Put(byId["first"], "d1", "room", 480),
            ["blood"] = Put(byId["blood"], null, "room", 480),
        };

        Assert.Equal(["blood"], PlacementCheck.KeepValid(byId, placements).Keys);
    }
}
