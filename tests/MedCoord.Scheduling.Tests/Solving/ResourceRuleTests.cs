using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>
/// Rules 6 and 9 against a book: "could this placement join, and if not, what holds it?", which decides whether a
/// neighbourhood's result may still be kept, whether a re-planned appointment stands, and the last check of a schedule.
/// </summary>
public sealed class ResourceRuleTests
{
    private static RequestCandidates Request(string id, string patient, int duration, int buffer = 0) => new()
    {
        Index = 0,
        Request = new AppointmentRequest(id, patient, "visit"),
        Type = new AppointmentType("visit", duration, "gp", ["exam"], buffer),
        Duration = duration,
        Facilities = [],
    };

    private static Placement At(long start, string? provider, string? room, int places = 1, params PoolUse[] pools) =>
        new(new FacilityOption("f", MinuteSet.All, [], [], [], [], 0) { Pools = pools },
            provider is null ? null : new ProviderOption(provider, MinuteSet.All),
            room is null ? null : new RoomOption(room, MinuteSet.All, places),
            start);

    private static Book With(params (RequestCandidates Request, Placement At)[] bookings)
    {
        var book = new Book();
        foreach (var (c, p) in bookings)
        {
            book.Add(c, p);
        }

        return book;
    }

    [Fact]
    public void FreeStarts_AtAFacilityWithoutRooms_AreTheStartsThePatientAndProviderLeave()
    {
        var c = Request("r", "p1", 30);
        var noRooms = new FacilityOption("f", MinuteSet.All, [], [], [], [], 0);
        var book = With((Request("other", "p1", 30), At(1000, "d1", null)));

        Assert.Equal([(900L, 971L), (1030L, 1200L)], ResourceRule.FreeStarts(book, c, noRooms, null, MinuteSet.Of(900, 1200)).Ranges);
        Assert.Equal([(900L, 971L), (1030L, 1200L)], ResourceRule.FreeStarts(book, c, noRooms, new ProviderOption("d2", MinuteSet.All), MinuteSet.Of(900, 1200)).Ranges);
        Assert.Empty(ResourceRule.FreeStarts(book, c, noRooms, null, MinuteSet.Of(980, 1020)).Ranges);
    }

    [Fact]
    public void FreeStarts_WithRooms_AreTheStartsSomeRoomAlsoLeaves()
    {
        var c = Request("r", "p1", 30);
        var rooms = new FacilityOption("f", MinuteSet.All, [], [new RoomOption("a", MinuteSet.All, 1), new RoomOption("b", MinuteSet.Of(0, 990), 1)], [], [], 0);
        var book = With((Request("x", "p2", 30), At(1000, null, "a")));

        // Room a is taken 1000-1030 (free for starts to 970 and from 1030); room b allows starts before 990 only.
        Assert.Equal([(900L, 990L), (1030L, 1200L)], ResourceRule.FreeStarts(book, c, rooms, null, MinuteSet.Of(900, 1200)).Ranges);
        Assert.Empty(ResourceRule.FreeStarts(book, c, rooms, null, MinuteSet.Of(995, 1025)).Ranges);
    }

    [Fact]
    public void Clash_ProviderOrPatientAlreadyBusy_NamesWhatHoldsIt()
    {
        var book = With((Request("a", "p1", 30), At(60, "dr", "r1")));

        Assert.Equal(("provider", "dr"), ResourceRule.Clash(book, Request("b", "p2", 30), At(75, "dr", "r2")));
        Assert.Equal(("patient", "p1"), ResourceRule.Clash(book, Request("b", "p1", 30), At(45, "other", "r2")));
        Assert.Null(ResourceRule.Clash(book, Request("b", "p1", 30), At(90, "dr", "r2")));
        Assert.True(ResourceRule.Fits(book, Request("b", "p1", 30), At(30, "dr", "r2")));
        Assert.False(ResourceRule.Fits(book, Request("b", "p1", 30), At(31, "dr", "r2")));
    }

    [Fact]
    public void Clash_RoomTakenThroughItsBuffer_UntilTheBufferEnds()
    {
        var book = With((Request("a", "p1", 30, buffer: 10), At(60, "d1", "r1")));

        Assert.Equal(("room", "r1"), ResourceRule.Clash(book, Request("b", "p2", 30), At(99, "d2", "r1")));
        Assert.Null(ResourceRule.Clash(book, Request("b", "p2", 30), At(100, "d2", "r1")));

        // A booking whose own buffer would run into the next one does not fit either.
        Assert.Equal(("room", "r1"), ResourceRule.Clash(book, Request("b", "p2", 40, buffer: 5), At(20, "d2", "r1")));
        Assert.Null(ResourceRule.Clash(book, Request("b", "p2", 35, buffer: 5), At(20, "d2", "r1")));
        Assert.Equal(75, ResourceRule.RoomMinutes(Request("b", "p2", 60, buffer: 15)));
    }

    [Fact]
    public void Clash_SharedRoom_HoldsAsManyAsItsPlaces()
    {
        var book = With((Request("a", "p1", 60), At(0, null, "bay", places: 2)), (Request("b", "p2", 60), At(30, null, "bay", places: 2)));

        Assert.Equal(("room", "bay"), ResourceRule.Clash(book, Request("c", "p3", 30), At(45, null, "bay", places: 2)));
        Assert.Null(ResourceRule.Clash(book, Request("c", "p3", 30), At(45, null, "bay", places: 3)));
        Assert.Null(ResourceRule.Clash(book, Request("c", "p3", 30), At(60, null, "bay", places: 2)));
    }

    [Fact]
    public void Clash_EquipmentPool_LendsAtMostItsUnits()
    {
        var pump = new PoolUse("pumps", 1);
        var book = With((Request("a", "p1", 60), At(0, "d1", "r1", pools: pump)));

        Assert.Equal(("equipment", "pumps"), ResourceRule.Clash(book, Request("b", "p2", 30), At(30, "d2", "r2", pools: pump)));
        Assert.Null(ResourceRule.Clash(book, Request("b", "p2", 30), At(30, "d2", "r2", pools: pump with { Count = 2 })));
        Assert.Null(ResourceRule.Clash(book, Request("b", "p2", 30), At(60, "d2", "r2", pools: pump)));
    }

    [Fact]
    public void Clash_SharedPlaceFullRightAfterTheAppointment_DoesNotHoldIt()
    {
        // Two pumps: one lent 0–60, both lent 120–180. An hour from 60 ends as the pool fills, so it fits; from 61 it runs
        // into the full stretch. The same for a bay of two places.
        var pump = new PoolUse("pumps", 2);
        var pool = With(
            (Request("a", "p1", 60), At(0, "d1", "r1", pools: pump)),
            (Request("b", "p2", 60), At(120, "d2", "r2", pools: pump)),
            (Request("c", "p3", 60), At(120, "d3", "r3", pools: pump)));
        var bay = With(
            (Request("a", "p1", 60), At(0, null, "bay", places: 2)),
            (Request("b", "p2", 60), At(120, null, "bay", places: 2)),
            (Request("c", "p3", 60), At(120, null, "bay", places: 2)));

        Assert.Null(ResourceRule.Clash(pool, Request("x", "p9", 60), At(60, "d9", "r9", pools: pump)));
        Assert.Equal(("equipment", "pumps"), ResourceRule.Clash(pool, Request("x", "p9", 60), At(61, "d9", "r9", pools: pump)));
        Assert.Null(ResourceRule.Clash(bay, Request("x", "p9", 60), At(60, null, "bay", places: 2)));
        Assert.Equal(("room", "bay"), ResourceRule.Clash(bay, Request("x", "p9", 60), At(61, null, "bay", places: 2)));
        Assert.Null(ResourceRule.Clash(bay, Request("x", "p9", 60), At(180, null, "bay", places: 2)));
    }

    [Fact]
    public void Blocked_OnlyStartsAskedAbout_AreAnswered()
    {
        var pump = new PoolUse("pumps", 1);
        var book = With((Request("a", "p1", 60), At(100, "d1", "r1", pools: pump)));
        var asked = MinuteSet.FromRanges([(0, 50), (60, 70), (150, 300)]);

        // An hour clashes from 41 to 159: of the starts asked about, 41–49, 60–69 and 150–159.
        var expected = MinuteSet.FromRanges([(41, 50), (60, 70), (150, 160)]).Ranges;
        Assert.Equal(expected, book.PoolBlocked(pump, 60, asked).Ranges);
        Assert.Equal(expected, book.RoomBlocked(new RoomOption("r1", MinuteSet.All), 60, asked).Ranges);
        Assert.Equal(expected, book.RoomBlocked(new RoomOption("r1", MinuteSet.All, 1), 60, asked).Ranges);
    }

    [Fact]
    public void FreeStarts_KeepsClearOfPatientProviderRoomAndPool()
    {
        var pump = new PoolUse("pumps", 1);
        var book = With((Request("a", "p1", 30, buffer: 10), At(60, "d1", "r1")), (Request("b", "p2", 30), At(200, "d2", "r2", pools: pump)));
        var c = Request("c", "p1", 30);
        var facility = new FacilityOption("f", MinuteSet.All, [new ProviderOption("d1", MinuteSet.All)], [new RoomOption("r1", MinuteSet.All)], [], [], 0) { Pools = [pump] };
        var window = MinuteSet.Of(0, 300);

        // The patient is busy 60–90 (starts 31–89 clash), the pool 200–230 (starts 171–229).
        Assert.Equal(MinuteSet.FromRanges([(0, 31), (90, 171), (230, 300)]).Ranges, ResourceRule.FreeOfPatientAndPools(book, c, facility, window).Ranges);

        // The room is taken 60–100 with its buffer (starts 31–99 clash); with the provider and room, both clashes apply.
        Assert.Equal(MinuteSet.FromRanges([(0, 31), (100, 300)]).Ranges, ResourceRule.FreeIn(book, c, facility.Rooms[0], window).Ranges);
        Assert.Equal(MinuteSet.FromRanges([(0, 31), (100, 171), (230, 300)]).Ranges, ResourceRule.FreeStarts(book, c, facility, facility.Providers[0], window).Ranges);
        Assert.Null(ResourceRule.FreeRoom(book, c, facility, 99));
        Assert.Equal("r1", ResourceRule.FreeRoom(book, c, facility, 100)?.RoomId);
    }
}
