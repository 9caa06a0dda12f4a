using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>Rooms that hold several appointments at once and pools of shared equipment (cumulative rules 6 and 9).</summary>
public sealed class SharedCapacityTests
{
    private const string Ny = "America/New_York";
    private const string Chicago = "America/Chicago";

    private static readonly AppointmentScheduler ByNeighbourhoods = new() { WholeModelLimit = 0 };

    /// <summary>One morning, 08:00–12:00, an infusion room of <paramref name="chairs"/> chairs, two-hour infusions run by the room.</summary>
    private static Problem Infusions(int requests, int chairs) =>
        Problem("2026-12-07", "2026-12-07",
            [Facility("main", Ny, Week("08:00", "12:00"))],
            [Room("chairs", "main", "infusion") with { Capacity = chairs }],
            [],
            Enumerable.Range(0, requests).Select(i => Patient($"p{i}")),
            [Type("infusion", 120, null, ["infusion"])],
            Enumerable.Range(0, requests).Select(i => Request($"r{i}", $"p{i}", "infusion", priority: 1 + (i % 3))));

    /// <summary>Three sonographers and three rooms, but <paramref name="units"/> portable ultrasound machines at "main".</summary>
    private static Problem Ultrasound(int units, int requests, string open = "09:00") =>
        Problem("2026-12-07", "2026-12-07",
            [Facility("main", Ny, Week("08:00", open))],
            [Room("a", "main", "exam"), Room("b", "main", "exam"), Room("c", "main", "exam")],
            [Provider("s1", "sono", "main", Week("08:00", "12:00")), Provider("s2", "sono", "main", Week("08:00", "12:00")), Provider("s3", "sono", "main", Week("08:00", "12:00"))],
            Enumerable.Range(0, requests).Select(i => Patient($"p{i}")),
            [Type("scan", 60, "sono", ["exam"]) with { Equipment = ["ultrasound"] }],
            Enumerable.Range(0, requests).Select(i => Request($"r{i}", $"p{i}", "scan"))) with
        {
            Equipment = [new EquipmentPool("us-main", "main", "ultrasound", units)],
        };

    /// <summary>The most appointments a resource holds at once in the schedule.</summary>
    private static int Peak(IEnumerable<Assignment> assignments) =>
        assignments.Max(a => assignments.Count(o => o.Start.ToInstant() <= a.Start.ToInstant() && a.Start.ToInstant() < o.End.ToInstant()));

    [Fact]
    public void Solve_RoomOfThreeChairs_HoldsThreeAtOnceAndNoMore()
    {
        var schedule = SolveVerified(Infusions(requests: 7, chairs: 3));

        Assert.Equal(6, schedule.Assignments.Count);
        Assert.Equal(3, Peak(schedule.Assignments));
        var left = Assert.Single(schedule.Unscheduled);
        Assert.Equal(UnscheduledReason.CapacityTaken, left.Reason);
        Assert.Contains(left.RequestId, new[] { "r0", "r3", "r6" }); // one of the lowest priority
        var room = Assert.Single(left.BlockedBy!, b => b.Kind == "room");
        Assert.Equal("chairs", room.Id);
        Assert.Equal(6, room.RequestIds.Count);
    }

    [Fact]
    public void Solve_RoomOfOneChair_StaysOneAtATime()
    {
        var schedule = SolveVerified(Infusions(requests: 3, chairs: 1));

        Assert.Equal(2, schedule.Assignments.Count);
        Assert.Equal(1, Peak(schedule.Assignments));
    }

    [Fact]
    public void Solve_TwoUltrasoundMachines_BookTwoScansAtOnceThoughThreeSonographersAndRoomsAreFree()
    {
        var schedule = SolveVerified(Ultrasound(units: 2, requests: 3));

        Assert.Equal(2, schedule.Assignments.Count);
        var left = Assert.Single(schedule.Unscheduled);
        Assert.Equal(UnscheduledReason.CapacityTaken, left.Reason);
        var pool = Assert.Single(left.BlockedBy!, b => b.Kind == "equipment");
        Assert.Equal("us-main", pool.Id);
        Assert.Equal(2, pool.RequestIds.Count);
        Assert.Contains("equipment 'us-main'", left.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Solve_MachinesFreeLater_BookTheThirdScanAfterTheFirstTwo()
    {
        var schedule = SolveVerified(Ultrasound(units: 2, requests: 3, open: "10:00"));

        Assert.Equal(3, schedule.Assignments.Count);
        Assert.Equal(["08:00", "08:00", "09:00"], schedule.Assignments.Select(a => a.Start.LocalDateTime.TimeOfDay.ToString("HH:mm", null)).Order());
    }

    [Fact]
    public void Solve_PoolOnlyAtTheLaterFacility_BooksThereAndNotAtTheOneWithoutIt()
    {
        var problem = Problem("2026-12-07", "2026-12-08",
            [Facility("main", Ny, Week("08:00", "17:00")), Facility("lake", Chicago, Week("08:00", "17:00"))],
            [Room("main-1", "main", "exam"), Room("lake-1", "lake", "exam")],
            [new Provider("s1", ["sono"], [new ProviderAvailability("main", Week("08:00", "17:00")), new ProviderAvailability("lake", Week("12:00", "17:00", IsoDayOfWeek.Tuesday))], [])],
            [Patient("p1")],
            [Type("scan", 60, "sono", ["exam"]) with { Equipment = ["ultrasound"] }],
            [Request("r1", "p1", "scan")]) with
        {
            Equipment = [new EquipmentPool("us-lake", "lake", "ultrasound", 1)],
        };

        var a = Booked(SolveVerified(problem), "r1");

        Assert.Equal("lake", a.FacilityId);
        Assert.Equal("2026-12-08T12:00:00-06:00", Format(a.Start));
    }

    [Fact]
    public void FixedBooking_WithoutFacility_StandsAtTheFacilityThatHasItsEquipment()
    {
        // The provider works at both facilities at that instant; only "lake" has the machine, so the booking is there.
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("main", Ny, Week("08:00", "17:00")), Facility("lake", Chicago, Week("07:00", "16:00"))],
            [],
            [new Provider("s1", ["sono"], [new ProviderAvailability("main", Week("08:00", "17:00")), new ProviderAvailability("lake", Week("07:00", "16:00"))], [])],
            [Patient("p1")],
            [Type("bedside", 30, "sono") with { Equipment = ["ultrasound"] }],
            [Request("r1", "p1", "bedside")]) with
        {
            Equipment = [new EquipmentPool("us-lake", "lake", "ultrasound", 1)],
            Fixed = [new FixedBooking("r1", "s1", null, At("2026-12-07T10:00:00-05:00"))],
        };

        Assert.Empty(ProblemValidator.Validate(problem));
        var a = Booked(SolveVerified(problem), "r1");
        Assert.Equal(("lake", "2026-12-07T09:00:00-06:00"), (a.FacilityId, Format(a.Start)));
    }

    [Fact]
    public void Solve_NoFacilityHasTheEquipment_ReportsNoEquipment()
    {
        var problem = Ultrasound(units: 1, requests: 1) with { Equipment = [new EquipmentPool("ecg-main", "main", "ecg-cart", 1)] };

        var u = NotBooked(SolveVerified(problem), "r0");

        Assert.Equal(UnscheduledReason.NoEquipment, u.Reason);
        Assert.Contains("'ultrasound'", u.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Solve_ByNeighbourhoods_KeepsChairsAndMachinesWithinTheirCounts()
    {
        // Two days of infusions needing a pump (4 pumps for 5 chairs) around a fixed booking; solved in neighbourhoods.
        var problem = Problem("2026-12-07", "2026-12-08",
            [Facility("main", Ny, Week("08:00", "16:00"))],
            [Room("chairs", "main", "infusion") with { Capacity = 5 }],
            [],
            Enumerable.Range(0, 40).Select(i => Patient($"p{i}")),
            [Type("infusion", 120, null, ["infusion"]) with { Equipment = ["pump"] }],
            Enumerable.Range(0, 40).Select(i => Request($"r{i}", $"p{i}", "infusion", priority: 1 + (i % 4))),
            [new FixedBooking("r0", null, "chairs", At("2026-12-07T09:00:00-05:00"))]) with
        {
            Equipment = [new EquipmentPool("pumps", "main", "pump", 4)],
        };

        var schedule = SolveVerified(problem, Quick(5), ByNeighbourhoods);

        // Four pumps run four two-hour infusions each in eight hours (16 a day); on the first day the fixed 09:00–11:00
        // infusion leaves its pump room for only three: 31 in all. The five chairs never bind.
        Assert.Equal(31, schedule.Assignments.Count);
        foreach (var day in schedule.Assignments.GroupBy(a => a.Start.Date))
        {
            Assert.True(Peak(day) <= 4);
        }
    }

    [Fact]
    public void Recommend_SharedRoom_OffersOnlyTimesWithAChairLeft()
    {
        var problem = Infusions(requests: 5, chairs: 2);
        OffsetDateTime Local(string time) => NodaTime.Text.OffsetDateTimePattern.ExtendedIso.Parse($"2026-12-07T{time}:00-05:00").Value;
        Assignment At(string request, string start, string end) => new(request, request.Replace('r', 'p'), null, "chairs", "main", Local(start), Local(end));
        var book = new Schedule(ScheduleStatus.Feasible, new ScheduleObjective(0, 0, 0),
            [At("r0", "08:00", "10:00"), At("r1", "09:00", "11:00"), At("r2", "10:00", "12:00")], [], new SolveStats(0, 0, 0));

        var slots = new SlotRecommender(problem, book).Recommend("r3", top: 20, stepMinutes: 15).Slots;

        // Both chairs are taken from 09:00 to 11:00 (r0 and r1, then r1 and r2): only a start at 11:00 or later leaves
        // a chair for two hours, and none fits before noon; an 08:00 start would overlap 09:00–10:00.
        Assert.Empty(slots);
        var shorter = new SlotRecommender(problem with { Requests = [.. problem.Requests.Select(r => r.Id == "r3" ? r with { DurationMinutes = 60 } : r)] }, book)
            .Recommend("r3", top: 20, stepMinutes: 15).Slots;
        Assert.Equal(["08:00", "11:00"], shorter.Select(s => s.Start.LocalDateTime.TimeOfDay.ToString("HH:mm", null)));
    }

    [Fact]
    public void Verifier_ThreeInATwoChairRoom_IsARuleSixViolation()
    {
        var problem = Infusions(requests: 3, chairs: 2);
        OffsetDateTime Local(string time) => NodaTime.Text.OffsetDateTimePattern.ExtendedIso.Parse($"2026-12-07T{time}:00-05:00").Value;
        string[] starts = ["08:00", "08:30", "09:00"];
        string[] ends = ["10:00", "10:30", "11:00"];
        var schedule = new Schedule(ScheduleStatus.Feasible, new ScheduleObjective(3, 3, 0),
            [.. Enumerable.Range(0, 3).Select(i => new Assignment($"r{i}", $"p{i}", null, "chairs", "main", Local(starts[i]), Local(ends[i])))],
            [], new SolveStats(0, 0, 0));

        var violations = ScheduleVerifier.Violations(problem, schedule);

        Assert.Contains(violations, v => v.StartsWith("rule 6: room chairs holds 3", StringComparison.Ordinal));
    }
}
