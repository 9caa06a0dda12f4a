using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Operations;

/// <summary>The order of recommended slots, whole: cheapest waiting first, the preferred provider first within a cost, then by start, provider and room; and booking a slot.</summary>
public sealed class SlotOrderTests
{
    private const string Zone = "America/Chicago";

    private static Problem Clinic() =>
        Problem("2026-12-07", "2026-12-09",
            [Facility("main", Zone, Week("09:00", "11:00"))],
            [Room("r1", "main", "exam"), Room("r2", "main", "exam")],
            [Provider("dr-a", "gp", "main", Week("09:00", "11:00")), Provider("dr-b", "gp", "main", Week("09:00", "11:00"))],
            [Patient("p1"), Patient("p2")],
            [Type("visit", 60, "gp", ["exam"])],
            [Request("x", "p1", "visit", "2026-12-07", "2026-12-09", priority: 2) with { PreferredProviderId = "dr-b" }, Request("y", "p2", "visit", "2026-12-07", "2026-12-09")]);

    private static Assignment Y(string provider, string room, string start)
    {
        var s = TestProblems.At($"2026-12-07T{start}:00-06:00");
        var zone = TestProblems.Zone(Zone);
        return new Assignment("y", "p2", provider, room, "main", s.InZone(zone).ToOffsetDateTime(), (s + Duration.FromMinutes(60)).InZone(zone).ToOffsetDateTime());
    }

    private static Schedule BookWith(params Assignment[] assignments) =>
        new(ScheduleStatus.Feasible, new ScheduleObjective(1, 3, 0), assignments, [new UnscheduledRequest("x", UnscheduledReason.CapacityTaken, "waiting")], new SolveStats(0, 0, 0));

    private static string Line(SlotRecommendation s) =>
        $"{s.Start.LocalDateTime.Date:MM-dd} {s.Start.LocalDateTime.TimeOfDay:HH:mm} {s.ProviderId} {s.RoomId} waiting {s.Change.WaitingCost} preferred {s.Change.PreferredProvider}";

    [Fact]
    public void Recommend_OrdersByCostThenPreferredThenStartThenProviderAndRoom()
    {
        var recommender = new SlotRecommender(Clinic(), BookWith(Y("dr-a", "r1", "09:00")));

        var slots = recommender.Recommend("x", 7, 60).Slots;

        Assert.Equal(
            [
                "12-07 09:00 dr-b r2 waiting 0 preferred 1",
                "12-07 10:00 dr-b r1 waiting 0 preferred 1",
                "12-07 10:00 dr-a r1 waiting 0 preferred 0",
                "12-08 09:00 dr-b r1 waiting 2 preferred 1",
                "12-08 10:00 dr-b r1 waiting 2 preferred 1",
                "12-08 09:00 dr-a r1 waiting 2 preferred 0",
                "12-08 10:00 dr-a r1 waiting 2 preferred 0",
            ],
            slots.Select(Line));
        Assert.All(slots, s => Assert.Equal((2L, 0L, "main"), (s.Change.ScheduledPriority, s.Change.SoftRuleCost, s.FacilityId)));
        Assert.All(slots, s => Assert.Equal(Duration.FromMinutes(60), s.End.ToInstant() - s.Start.ToInstant()));
        Assert.Equal(slots.Take(3), recommender.Recommend("x", 3, 60).Slots);
        Assert.Single(recommender.Recommend("x", 1, 60).Slots);
    }

    [Fact]
    public void Book_TakesTheSlot_AndASlotNoLongerFreeIsRefused()
    {
        var recommender = new SlotRecommender(Clinic(), BookWith());
        var first = recommender.Recommend("x", 1, 60).Slots[0];
        var other = first with { ProviderId = "dr-a" };

        recommender.Book("x", first);

        Assert.Equal(RequestRefusalReason.AlreadyBooked, recommender.Refusal("x")!.Reason);
        var next = recommender.Recommend("y", 3, 60).Slots;
        Assert.DoesNotContain(next, s => s.Start == first.Start && (s.ProviderId == first.ProviderId || s.RoomId == first.RoomId));
        var refused = Assert.Throws<ArgumentException>(() => new SlotRecommender(Clinic(), BookWith(Y("dr-a", "r1", "09:00"))).Book("x", other with { RoomId = "r1" }));
        Assert.Equal("slot", refused.ParamName);
        Assert.StartsWith("the slot at ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("is no longer free for request 'x'", refused.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SlotRecommender(Clinic(), BookWith()).Book("x", first with { ProviderId = null }));
        Assert.Throws<ArgumentException>(() => new SlotRecommender(Clinic(), BookWith()).Book("x", first with { RoomId = null }));
        Assert.Throws<ArgumentException>(() => new SlotRecommender(Clinic(), BookWith()).Book("x", first with { FacilityId = "elsewhere" }));
        Assert.Throws<ArgumentException>(() => new SlotRecommender(Clinic(), BookWith()).Book("x", first with { RoomId = "r3" }));
        Assert.Throws<ArgumentNullException>(() => new SlotRecommender(Clinic(), BookWith()).Book("x", null!));
        Assert.Throws<ArgumentNullException>(() => new SlotRecommender((Problem)null!, BookWith()));
        Assert.Throws<ArgumentNullException>(() => new SlotRecommender(Clinic(), null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlotRecommender(Clinic(), BookWith()).Recommend("x", 1, 1441));
        Assert.Throws<ArgumentNullException>(() => new SlotRecommender(Clinic(), BookWith()).Refusal(null!));
    }

    [Fact]
    public void WithABalanceRule_ABookedSlotMakesThatProviderDearer_AndFreeingItUndoesThat()
    {
        var problem = Clinic() with { Options = new SolveOptions(SoftRules: new SoftRuleWeights(Balance: 10)) };
        var recommender = new SlotRecommender(problem, BookWith());
        string Cheapest(string request) => recommender.Recommend(request, 20, 60).Slots.Where(s => s.Start.Date == new LocalDate(2026, 12, 7))
            .GroupBy(s => s.ProviderId!).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Min(s => s.Change.SoftRuleCost)}").Aggregate((a, b) => $"{a}, {b}");

        var before = Cheapest("y");
        recommender.Book("x", recommender.Recommend("x", 1, 60).Slots[0]);
        var after = Cheapest("y");

        Assert.Equal("dr-a 10, dr-b 10", before);
        Assert.Equal("dr-a -10, dr-b 10", after);
        var costs = recommender.Recommend("y", 20, 60).Slots.Where(s => s.Start.Date == new LocalDate(2026, 12, 7)).ToList();
        Assert.True(costs.Where(s => s.ProviderId == "dr-a").Min(s => s.Change.SoftRuleCost) < costs.Where(s => s.ProviderId == "dr-b").Min(s => s.Change.SoftRuleCost));
        Assert.Equal("dr-a", costs[0].ProviderId);
        recommender.Release("x");
        Assert.Equal(before, Cheapest("y"));
    }
}
