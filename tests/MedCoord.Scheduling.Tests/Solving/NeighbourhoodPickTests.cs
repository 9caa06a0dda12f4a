using Google.OrTools.Sat;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using static MedCoord.Scheduling.Tests.TestProblems;
using Score = MedCoord.Scheduling.Solving.NeighbourhoodSearch.Score;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>How a neighbourhood is picked: its seed, its area, and which booked and waiting requests it frees.</summary>
public sealed partial class NeighbourhoodStepTests
{
    private const int Draws = 2000;

    private static FacilityOption Option(string facility, long from, long to, (string Id, long From, long To)[] providers, (string Id, long From, long To)[] rooms) =>
        new(facility, MinuteSet.Of(from, to), [.. providers.Select(p => new ProviderOption(p.Id, MinuteSet.Of(p.From, p.To)))],
            [.. rooms.Select(r => new RoomOption(r.Id, MinuteSet.Of(r.From, r.To)))], [new DayOption(new LocalDate(2026, 12, 7), from, to, 0)], [], 0);

    private static RequestCandidates Options(params FacilityOption[] facilities) =>
        new() { Index = 0, Request = Request("r", "p1", "visit"), Type = Type("visit", 30, "gp", ["exam"]), Duration = 30, Facilities = facilities };

    private static readonly NeighbourhoodArea Area = new("main", 100, 200, new HashSet<string> { "dr-a" }, new HashSet<string> { "exam-1" });

    [Theory]
    [InlineData("main", "dr-a", "exam-1", 100, true)]
    [InlineData("main", "dr-a", "exam-1", 199, true)]
    [InlineData("main", "dr-a", "exam-1", 99, false)] // before the area
    [InlineData("main", "dr-a", "exam-1", 200, false)] // at its end
    [InlineData("annex", "dr-a", "exam-1", 150, false)] // another facility's resources of the same names
    [InlineData("main", "dr-b", "exam-1", 150, true)] // its room, another provider
    [InlineData("main", "dr-a", "exam-2", 150, true)] // its provider, another room
    [InlineData("main", "dr-b", "exam-2", 150, false)]
    [InlineData("main", null, "exam-1", 150, true)]
    [InlineData("main", "dr-a", null, 150, true)]
    [InlineData("main", null, "exam-2", 150, false)]
    [InlineData("main", "dr-b", null, 150, false)]
    public void Area_HoldsAPlacementStartingInIt_WithOneOfItsProviders_OrInOneOfItsRooms(string facility, string? provider, string? room, long start, bool held)
    {
        var option = Option(facility, 0, 1000, [], []);
        var placement = new Placement(option, provider is null ? null : new ProviderOption(provider, MinuteSet.All), room is null ? null : new RoomOption(room, MinuteSet.All), start);

        Assert.Equal(held, Area.Holds(placement));
    }

    [Fact]
    public void Area_AdmitsARequest_ThatCouldStartInIt_WithOneOfItsProviders_OrInOneOfItsRooms()
    {
        Assert.True(Area.Admits(Options(Option("main", 0, 1000, [("dr-a", 150, 160)], []))));
        Assert.True(Area.Admits(Options(Option("main", 0, 1000, [("dr-a", 199, 300)], []))));
        Assert.False(Area.Admits(Options(Option("main", 0, 1000, [("dr-a", 200, 300)], [])))); // its provider only after
        Assert.False(Area.Admits(Options(Option("main", 0, 1000, [("dr-a", 0, 100)], [])))); // and only before
        Assert.False(Area.Admits(Options(Option("main", 0, 1000, [("dr-b", 150, 160)], [("exam-2", 150, 160)]))));
        Assert.True(Area.Admits(Options(Option("main", 0, 1000, [("dr-b", 150, 160)], [("exam-1", 150, 160)]))));
        Assert.False(Area.Admits(Options(Option("main", 0, 1000, [("dr-b", 150, 160)], [("exam-1", 250, 260)]))));
        Assert.True(Area.Admits(Options(Option("main", 0, 1000, [("dr-b", 150, 160), ("dr-a", 150, 160)], []))));

        // Its resources free in the area, but no start there the request's other rules allow (say, no room then).
        Assert.False(Area.Admits(Options(Option("main", 300, 400, [("dr-a", 150, 160)], [("exam-1", 150, 160)]))));

        // Only its option at the facility counts, whichever comes first.
        Assert.False(Area.Admits(Options(Option("annex", 0, 1000, [("dr-a", 150, 160)], []), Option("main", 0, 1000, [("dr-a", 300, 400)], []))));
        Assert.True(Area.Admits(Options(Option("annex", 0, 1000, [("dr-a", 300, 400)], []), Option("main", 0, 1000, [("dr-a", 150, 160)], []))));
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(1, 2440)]
    [InlineData(2, 3880)]
    public void Area_Of_ADay_ReachesTheDaysAfter_WithTheOptionsProvidersAndRooms(int extraDays, long to)
    {
        var option = Option("main", 0, 5000, [("dr-a", 0, 10), ("dr-b", 0, 10)], [("exam-1", 0, 10)]);

        var area = NeighbourhoodArea.Of(option, new DayOption(new LocalDate(2026, 12, 8), 500, 1000, 1), extraDays);

        Assert.Equal(("main", 500L, to), (area.FacilityId, area.From, area.To));
        Assert.Equal(["dr-a", "dr-b"], area.Providers.Order(StringComparer.Ordinal));
        Assert.Equal(["exam-1"], area.Rooms);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(14, 14)]
    [InlineData(15, 15)]
    [InlineData(45, 15)]
    [InlineData(48, 16)]
    [InlineData(60, 20)]
    [InlineData(400, 133)]
    public void WaitingCount_IsAThirdOfTheSize_ButAtLeastFifteen_OrTheSize(int size, int expected) =>
        Assert.Equal(expected, NeighbourhoodSearch.WaitingCount(size));

    [Fact]
    public void PickSeed_IsAWaitingRequest_SevenTimesInTen_WhileAnyWaits_ElseAnyMovableOne()
    {
        var step = new Step(Clinic([.. Enumerable.Range(1, 9).Select(i => Request($"r{i}", $"p{i}", "visit"))]));
        var movable = step.Candidates.ToList();
        List<RequestCandidates> waiting = [step["r9"]];

        var seeds = Enumerable.Range(0, Draws).Select(_ => step.Search.PickSeed(movable, waiting)).ToList();
        var none = Enumerable.Range(0, Draws).Select(_ => step.Search.PickSeed(movable, [])).ToList();

        // Seven in ten drawn from the waiting one, one in nine of the other three in ten: 0.733.
        Assert.InRange(seeds.Count(s => s == step["r9"]) / (double)Draws, 0.69, 0.78);
        Assert.Equal(0.7, NeighbourhoodSearch.WaitingSeedShare);
        Assert.Equal(9, seeds.Distinct().Count());
        Assert.InRange(none.Count(s => s == step["r9"]) / (double)Draws, 0.08, 0.15);
        Assert.Equal(9, none.Distinct().Count());
    }

    [Fact]
    public void PickArea_IsWhereTheSeedIsBooked_HalfTheTime_ElseAnyOfItsFacilities_FromOneOfItsDays_ReachingUpToTwoDaysOn()
    {
        var problem = Problem("2026-12-07", "2026-12-18",
            [Facility("main", Paris), Facility("annex", Paris)], [Room("exam-1", "main", "exam"), Room("exam-2", "annex", "exam")],
            [Provider("dr-a", "gp", "main", Week("09:00", "11:00")), Provider("dr-b", "gp", "annex", Week("09:00", "11:00"))],
            [Patient("p1"), Patient("p2")], [Type("visit", 30, "gp", ["exam"])],
            [Request("booked", "p1", "visit"), Request("waiting", "p2", "visit")]);
        var step = new Step(problem);
        var main = step["booked"].Facilities.Single(f => f.FacilityId == "main");
        var book = new Book();
        book.Add(step["booked"], new Placement(main, main.Providers.Single(), main.Rooms.Single(), main.Starts.Ranges[0].Start));

        var fromBooked = Enumerable.Range(0, Draws).Select(_ => step.Search.PickArea(book, step["booked"])).ToList();
        var fromWaiting = Enumerable.Range(0, Draws).Select(_ => step.Search.PickArea(book, step["waiting"])).ToList();

        // Half the time where it is booked, and half of the other half there too: 0.75.
        Assert.InRange(fromBooked.Count(a => a.FacilityId == "main") / (double)Draws, 0.71, 0.79);
        Assert.InRange(fromWaiting.Count(a => a.FacilityId == "main") / (double)Draws, 0.45, 0.55);
        foreach (var area in fromBooked.Concat(fromWaiting))
        {
            var option = step["booked"].Facilities.Single(f => f.FacilityId == area.FacilityId);
            var day = Assert.Single(option.Days, d => d.From == area.From);
            Assert.Contains(area.To - day.To, new[] { 0L, 1440, 2880 });
            Assert.Equal([option.Providers.Single().ProviderId], area.Providers);
        }

        Assert.Equal(3, fromWaiting.Select(a => a.To - OptionOf(a).Days.Single(d => d.From == a.From).To).Distinct().Count());
        Assert.Equal(12, fromWaiting.Where(a => a.FacilityId == "main").Select(a => a.From).Distinct().Count());

        FacilityOption OptionOf(NeighbourhoodArea a) => step["waiting"].Facilities.Single(f => f.FacilityId == a.FacilityId);
    }

    [Fact]
    public void PickNeighbourhood_FreesUpToItsSizeOfTheRequestsBookedInItsArea_AndTheHighestPriorityWaitingOnes()
    {
        // Nine visits on the first Monday, four slots: first fit books the four of highest priority, r6 to r9.
        var step = new Step(Clinic([.. Enumerable.Range(1, 9).Select(i => Request($"r{i}", $"p{i}", "visit", "2026-12-07", "2026-12-07", priority: i))]), size: 3);
        var book = FirstFitHeuristic.Place(step.Candidates);
        Assert.Equal(["r6", "r7", "r8", "r9"], Booked(book));

        for (var i = 0; i < 100; i++)
        {
            var pick = Ids(step.Search.PickNeighbourhood(book, []));

            // Three of the four booked (four when the seed is the fourth), the three waiting of highest priority, and
            // perhaps a waiting seed of lower priority.
            Assert.InRange(pick.Count(id => book.Placements.ContainsKey(id)), 3, 4);
            Assert.Superset(new HashSet<string> { "r3", "r4", "r5" }, pick.ToHashSet());
            Assert.InRange(pick.Count(id => id is "r1" or "r2"), 0, 1);
            Assert.InRange(pick.Count, 6, 7);
        }
    }

    [Fact]
    public void Ideal_IsEveryPriorityBookable_EachRequestAtItsLeastWaiting_AndEveryPreferredProviderWhoCouldHostIt()
    {
        var monday = Week("09:00", "11:00", IsoDayOfWeek.Monday);
        var problem = Problem("2026-12-07", "2026-12-18",
            [Facility("main", Paris), Facility("annex", Paris)], [Room("exam-1", "main", "exam"), Room("exam-2", "annex", "exam")],
            [Provider("dr-a", "gp", "main", monday), Provider("dr-c", "gp", "main", monday), Provider("dr-d", "gp", "annex", monday), Provider("dr-x", "surgery", "main", monday)],
            [.. Enumerable.Range(1, 4).Select(i => Patient($"p{i}"))], [Type("visit", 30, "gp", ["exam"]), Type("scan", 30, "radiology", ["exam"])],
            [
                Request("a", "p1", "visit", "2026-12-08", priority: 2) with { PreferredProviderId = "dr-a" }, // six days to the next Monday
                Request("b", "p2", "visit", priority: 3) with { PreferredProviderId = "dr-x" }, // no wait; its preferred provider cannot host it
                Request("c", "p3", "visit", "2026-12-09"), // five days
                Request("d", "p4", "scan", priority: 5), // no one can host it
            ]);

        Assert.Equal(new Score(6, 0, (2 * 6) + 5, 1), new Step(problem).Search.Ideal);
    }

    [Theory]
    [InlineData("dr-a", "exam-2")] // the anchor's provider is taken then, its room is not
    [InlineData("dr-b", "exam-1")] // and the other way round
    public void Solve_AnAnchorIsKeptOnlyWithItsProviderAndRoom_NotAtItsStartWithOthers(string takenProvider, string takenRoom)
    {
        // Two providers and two rooms; a's anchor is dr-a in exam-1 at 09:30 on the second Monday, where b is booked
        // with one of them. The anchor cannot be kept: a goes to the first Monday, where it waits less.
        var problem = Clinic([Request("a", "p1", "visit", priority: 2), Request("b", "p2", "visit")]) with
        {
            Providers = [Provider("dr-a", "gp", "main", Week("09:00", "11:00", IsoDayOfWeek.Monday)), Provider("dr-b", "gp", "main", Week("09:00", "11:00", IsoDayOfWeek.Monday))],
            Rooms = [Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam")],
        };
        var probe = new Step(problem);
        var anchor = probe.At("09:30", "2026-12-14");
        var step = new Step(problem, new Dictionary<string, Anchor> { ["a"] = new("main", "dr-a", "exam-1", anchor) });
        var book = new Book();
        book.Add(step["a"], Step.Place(step["a"], step.At("10:30"), "dr-a", "exam-1"));
        book.Add(step["b"], Step.Place(step["b"], anchor, takenProvider, takenRoom));
        var job = step.Prepare(book, "a");

        var result = step.Search.Solve(job);

        Assert.Equal(CpSolverStatus.Optimal, result.Status);
        Assert.True(result.Placements!["a"].Start < step.At("00:00", "2026-12-08"), $"{result.Placements["a"]}");
    }

    [Fact]
    public void Solve_AnAnchorIsKeptOnlyAtItsFacility_NotAtItsStartElsewhere()
    {
        // An anchor naming only a facility: the annex, at 09:30 on the second Monday, when the annex's only provider
        // does not work. a goes to the first Monday, where it waits less, not to the main site at the anchor's start.
        var problem = Problem("2026-12-07", "2026-12-18",
            [Facility("main", Paris), Facility("annex", Paris)], [Room("exam-1", "main", "exam"), Room("exam-2", "annex", "exam")],
            [Provider("dr-a", "gp", "main", Week("09:00", "11:00", IsoDayOfWeek.Monday)), Provider("dr-b", "gp", "annex", Week("09:00", "11:00", IsoDayOfWeek.Tuesday))],
            [Patient("p1")], [Type("visit", 30, "gp", ["exam"])], [Request("a", "p1", "visit")]);
        var probe = new Step(problem);
        var anchor = probe.At("09:30", "2026-12-14");
        var step = new Step(problem, new Dictionary<string, Anchor> { ["a"] = new("annex", null, null, anchor) });
        var main = step["a"].Facilities.Single(f => f.FacilityId == "main");
        var book = new Book();
        book.Add(step["a"], new Placement(main, main.Providers.Single(), main.Rooms.Single(), step.At("10:30")));

        var result = step.Search.Solve(step.Prepare(book, "a"));

        Assert.Equal(CpSolverStatus.Optimal, result.Status);
        Assert.True(result.Placements!["a"].Start < step.At("00:00", "2026-12-08"), $"{result.Placements["a"]}");
    }

    [Fact]
    public void ScoreOf_AStartAtMidnight_WaitsFromTheDayItBegins()
    {
        var problem = Clinic([Request("a", "p1", "visit", priority: 3)]) with { Providers = [Provider("dr-a", "gp", "main", Week("00:00", "02:00"))] };
        var step = new Step(problem);
        var a = step["a"];

        foreach (var (date, waiting) in new[] { ("2026-12-07", 0L), ("2026-12-08", 3L), ("2026-12-10", 9L) })
        {
            var placements = new Dictionary<string, Placement> { ["a"] = Step.Place(a, step.At("00:00", date)) };
            Assert.Equal(new Score(3, 0, waiting, 0), step.Search.ScoreOf([a], placements));
        }
    }
}
