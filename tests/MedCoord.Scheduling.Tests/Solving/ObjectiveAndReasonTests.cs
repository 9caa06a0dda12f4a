using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

public sealed class ObjectiveAndReasonTests
{
    private const string Ny = "America/New_York";

    private static Problem OneSlotPerDay(IEnumerable<AppointmentRequest> requests, string days = "Mon", IEnumerable<Provider>? providers = null) =>
        Problem("2026-12-07", "2026-12-11",
            [Facility("main", Ny)],
            [Room("exam-1", "main", "exam")],
            providers ?? [Provider("dr-a", "gp", "main", Week("09:00", "09:30", ParseDays(days)))],
            [Patient("p1"), Patient("p2"), Patient("p3"), Patient("p4")],
            [Type("visit", 30, "gp", ["exam"])],
            requests);

    private static IsoDayOfWeek[] ParseDays(string days) =>
        [.. days.Split(',').Select(d => d switch
        {
            "Mon" => IsoDayOfWeek.Monday, "Tue" => IsoDayOfWeek.Tuesday, "Wed" => IsoDayOfWeek.Wednesday,
            "Thu" => IsoDayOfWeek.Thursday, _ => IsoDayOfWeek.Friday,
        })];

    [Fact]
    public void Solve_TwoRequestsOneSlot_HigherPriorityWins()
    {
        var schedule = SolveVerified(OneSlotPerDay([Request("low", "p1", "visit", priority: 2), Request("high", "p2", "visit", priority: 3)]));

        Booked(schedule, "high");
        var lost = NotBooked(schedule, "low");
        Assert.Equal(UnscheduledReason.CapacityTaken, lost.Reason);
        Assert.Equal(ScheduleStatus.Optimal, schedule.Status);
        Assert.Equal(3, schedule.Objective.ScheduledPriority);
        Assert.Equal(3, schedule.Objective.UpperBound);
    }

    [Fact]
    public void Solve_ManyLowAgainstOneHigh_TotalPriorityDecides()
    {
        // Two 30-minute slots on Monday; one 60-minute request of priority 5 against two of priority 3.
        var providers = new[] { Provider("dr-a", "gp", "main", Week("09:00", "10:00", IsoDayOfWeek.Monday)) };
        var requests = new[]
        {
            Request("long", "p1", "visit", priority: 5) with { DurationMinutes = 60 },
            Request("a", "p2", "visit", priority: 3),
            Request("b", "p3", "visit", priority: 3),
        };

        var schedule = SolveVerified(OneSlotPerDay(requests, providers: providers));

        Assert.Equal(6, schedule.Objective.ScheduledPriority);
        NotBooked(schedule, "long");
    }

    [Fact]
    public void Solve_PriorityDominatesWaiting_BooksMoreEvenIfLater()
    {
        var requests = new[] { Request("a", "p1", "visit", priority: 1), Request("b", "p2", "visit", priority: 1) };

        var schedule = SolveVerified(OneSlotPerDay(requests, "Mon,Fri"));

        Assert.Equal(2, schedule.Assignments.Count);
        Assert.Equal(4, schedule.Objective.WaitingCost);
    }

    [Fact]
    public void Solve_Waiting_HigherPriorityGetsTheEarlierDay()
    {
        var requests = new[] { Request("a", "p1", "visit", priority: 1), Request("b", "p2", "visit", priority: 4) };

        var schedule = SolveVerified(OneSlotPerDay(requests, "Mon,Wed"));

        Assert.Equal(new LocalDate(2026, 12, 7), Booked(schedule, "b").Start.Date);
        Assert.Equal(new LocalDate(2026, 12, 9), Booked(schedule, "a").Start.Date);
        Assert.Equal(2, schedule.Objective.WaitingCost);
    }

    [Fact]
    public void Solve_WaitingCountsFromEarliestEvenBeforeTheHorizon()
    {
        var requests = new[] { Request("a", "p1", "visit", "2026-12-01", "2026-12-11", priority: 2) };

        var schedule = SolveVerified(OneSlotPerDay(requests, "Mon"));

        Assert.Equal(2 * 6, schedule.Objective.WaitingCost);
    }

    [Fact]
    public void Solve_PreferredProvider_HonouredWhenItCostsNothing()
    {
        var providers = new[]
        {
            Provider("dr-a", "gp", "main", Week("09:00", "09:30", IsoDayOfWeek.Monday)),
            Provider("dr-b", "gp", "main", Week("09:00", "09:30", IsoDayOfWeek.Monday)),
        };
        var requests = new[] { Request("r1", "p1", "visit") with { PreferredProviderId = "dr-b" } };

        var schedule = SolveVerified(OneSlotPerDay(requests, providers: providers));

        Assert.Equal("dr-b", Booked(schedule, "r1").ProviderId);
        Assert.Equal(ScheduleStatus.Optimal, schedule.Status);
    }

    [Fact]
    public void Solve_PreferredProviderOnlyLater_WaitingWins()
    {
        var providers = new[]
        {
            Provider("dr-a", "gp", "main", Week("09:00", "09:30", IsoDayOfWeek.Monday)),
            Provider("dr-b", "gp", "main", Week("09:00", "09:30", IsoDayOfWeek.Tuesday)),
        };
        var requests = new[] { Request("r1", "p1", "visit") with { PreferredProviderId = "dr-b" } };

        var schedule = SolveVerified(OneSlotPerDay(requests, providers: providers));

        Assert.Equal("dr-a", Booked(schedule, "r1").ProviderId);
        Assert.Equal(0, schedule.Objective.WaitingCost);
    }

    [Fact]
    public void Solve_NoProviderHasTheSkill_ReportsNoQualifiedProvider()
    {
        var problem = OneSlotPerDay([Request("r1", "p1", "neuro")]);
        problem = problem with { AppointmentTypes = [.. problem.AppointmentTypes, Type("neuro", 30, "neurology", ["exam"])] };

        var schedule = SolveVerified(problem);

        var u = NotBooked(schedule, "r1");
        Assert.Equal(UnscheduledReason.NoQualifiedProvider, u.Reason);
        Assert.Equal("no provider has skill 'neurology'", u.Message);
    }

    [Fact]
    public void Solve_NoRoomHasTheFeatures_ReportsNoQualifiedRoom()
    {
        var problem = OneSlotPerDay([Request("r1", "p1", "mri")]);
        problem = problem with { AppointmentTypes = [.. problem.AppointmentTypes, Type("mri", 30, null, ["mri", "exam"])] };

        var schedule = SolveVerified(problem);

        var u = NotBooked(schedule, "r1");
        Assert.Equal(UnscheduledReason.NoQualifiedRoom, u.Reason);
        Assert.Equal("no room has all of the features 'mri', 'exam'", u.Message);
    }

    [Fact]
    public void Solve_WindowOutsideHorizon_ReportsNoAvailabilityInWindow()
    {
        var schedule = SolveVerified(OneSlotPerDay([Request("r1", "p1", "visit", "2027-01-04", "2027-01-08")]));

        var u = NotBooked(schedule, "r1");
        Assert.Equal(UnscheduledReason.NoAvailabilityInWindow, u.Reason);
        Assert.Equal("its date window lies outside the horizon", u.Message);
    }

    [Fact]
    public void Solve_LongerThanAnyBlock_ReportsNoAvailabilityInWindow()
    {
        var schedule = SolveVerified(OneSlotPerDay([Request("r1", "p1", "visit") with { DurationMinutes = 31 }]));

        var u = NotBooked(schedule, "r1");
        Assert.Equal(UnscheduledReason.NoAvailabilityInWindow, u.Reason);
        Assert.Equal("a qualified provider, a qualified room, opening hours and the patient's availability never line up for 31 minutes between 2026-12-07 and 2026-12-11", u.Message);
    }

    [Fact]
    public void Solve_SuccessorOfACapacityLoser_ReportsPredecessorUnscheduled()
    {
        var requests = new[]
        {
            Request("winner", "p1", "visit", priority: 10),
            Request("other-winner", "p3", "visit", priority: 10),
            Request("loser", "p2", "visit", priority: 1),
            Request("after-loser", "p2", "visit", priority: 1) with { After = [new RequestLink("loser")] },
        };

        var schedule = SolveVerified(OneSlotPerDay(requests, "Mon,Tue"));

        Assert.Equal(2, schedule.Assignments.Count);
        Assert.Equal(UnscheduledReason.CapacityTaken, NotBooked(schedule, "loser").Reason);
        var u = NotBooked(schedule, "after-loser");
        Assert.Equal(UnscheduledReason.PredecessorUnscheduled, u.Reason);
        Assert.Equal("it follows request 'loser', which is not scheduled", u.Message);
    }

    /// <summary>
    /// One provider (until <paramref name="providerUntil"/>) and one room on a Monday from 09:00, every 15-minute visit
    /// fixed at the times given (<c>f1</c>, <c>f2</c>, … for patients <c>p1</c>, <c>p2</c>, …), and the request "low" of
    /// patient p1 at a lower priority.
    /// </summary>
    private static Problem FixedMorning(string providerUntil, string[] times, string[] equipment) => Problem("2026-12-07", "2026-12-07",
        [Facility("main", "Europe/Paris", Week("09:00", "10:00"))], [Room("exam-1", "main", "exam")],
        [Provider("dr-a", "gp", "main", Week("09:00", providerUntil))],
        [.. times.Select((_, i) => Patient($"p{i + 1}"))],
        [Type("visit", 15, "gp", ["exam"]) with { Equipment = equipment }],
        [.. times.Select((_, i) => Request($"f{i + 1}", $"p{i + 1}", "visit", priority: 5)), Request("low", "p1", "visit", priority: 1)],
        [.. times.Select((t, i) => new FixedBooking($"f{i + 1}", "dr-a", "exam-1", At($"2026-12-07T{t}:00+01:00")))]);

    [Fact]
    public void Solve_CapacityTaken_NamesTheFirstThreeResourcesTakenAndTheFirstThreeRequestsOnEach_ThenHowManyMore()
    {
        var problem = FixedMorning("10:00", ["09:00", "09:15", "09:30", "09:45"], ["ecg"]) with { Equipment = [new EquipmentPool("ecg-cart", "main", "ecg", 1)] };

        var low = NotBooked(SolveVerified(problem, Quick(5)), "low");

        Assert.Equal(UnscheduledReason.CapacityTaken, low.Reason);
        Assert.Equal(
            "it fits on its own, but every slot it could take went to higher-priority work (equipment 'ecg-cart' has 'f1', 'f2', 'f3' and 1 more; provider 'dr-a' has 'f1', 'f2', 'f3' and 1 more;"
            + " room 'exam-1' has 'f1', 'f2', 'f3' and 1 more; 1 more resources)",
            low.Message);
        Assert.Equal(["equipment ecg-cart f1,f2,f3,f4", "provider dr-a f1,f2,f3,f4", "room exam-1 f1,f2,f3,f4", "patient p1 f1"],
            low.BlockedBy!.Select(b => $"{b.Kind} {b.Id} {string.Join(",", b.RequestIds)}"));
    }

    [Fact]
    public void Solve_CapacityTaken_WithThreeResourcesOfThreeOrFewerRequests_NamesThemAll()
    {
        var problem = FixedMorning("09:45", ["09:00", "09:15", "09:30"], []);

        var low = NotBooked(SolveVerified(problem, Quick(5)), "low");

        Assert.Equal(
            "it fits on its own, but every slot it could take went to higher-priority work (provider 'dr-a' has 'f1', 'f2', 'f3'; room 'exam-1' has 'f1', 'f2', 'f3'; patient 'p1' has 'f1')",
            low.Message);
    }

    private static string Blockers(UnscheduledRequest u) => string.Join(" | ", u.BlockedBy!.Select(b => $"{b.Kind} {b.Id} {string.Join(",", b.RequestIds)}"));

    [Fact]
    public void Solve_CapacityTaken_APoolWithAUnitLeft_IsNotNamed()
    {
        var problem = FixedMorning("10:00", ["09:00", "09:15", "09:30", "09:45"], ["ecg"]) with { Equipment = [new EquipmentPool("ecg-cart", "main", "ecg", 2)] };

        Assert.Equal("provider dr-a f1,f2,f3,f4 | room exam-1 f1,f2,f3,f4 | patient p1 f1", LowBlockers(problem));
    }

    [Fact]
    public void Solve_CapacityTaken_ASharedRoomWithAPlaceLeft_IsNotNamed()
    {
        var problem = FixedMorning("10:00", ["09:00", "09:15", "09:30", "09:45"], []) with { Rooms = [Room("exam-1", "main", "exam") with { Capacity = 2 }] };

        var low = NotBooked(SolveVerified(problem, Quick(5)), "low");

        Assert.Equal("provider dr-a f1,f2,f3,f4 | patient p1 f1", Blockers(low));
        Assert.Equal(
            "it fits on its own, but every slot it could take went to higher-priority work (provider 'dr-a' has 'f1', 'f2', 'f3' and 1 more; patient 'p1' has 'f1')",
            low.Message);
    }

    /// <summary>
    /// Fixed 15-minute visits <c>f1</c>, <c>f2</c>, … of patients <c>p1</c>, <c>p2</c>, … on Monday 2026-12-07 in Paris,
    /// each given as "provider room HH:mm", and the request "low" of a patient of its own.
    /// </summary>
    private static Problem FixedVisits(IEnumerable<Facility> facilities, IEnumerable<Room> rooms, IEnumerable<Provider> providers, string[] visits, int buffer = 0) =>
        Problem("2026-12-07", "2026-12-07", facilities, rooms, providers,
            [.. Enumerable.Range(1, visits.Length + 1).Select(i => Patient($"p{i}"))],
            [Type("visit", 15, "gp", ["exam"], buffer)],
            [.. visits.Select((_, i) => Request($"f{i + 1}", $"p{i + 1}", "visit", priority: 5)), Request("low", $"p{visits.Length + 1}", "visit")],
            [.. visits.Select((v, i) => v.Split(' ')).Select((v, i) => new FixedBooking($"f{i + 1}", v[0], v[1], At($"2026-12-07T{v[2]}:00+01:00")))]);

    /// <summary>The resources named as taken where "low" could have gone, as "kind id requests", in order.</summary>
    private static string LowBlockers(Problem problem)
    {
        var low = NotBooked(SolveVerified(problem, Quick(5)), "low");
        Assert.Equal(UnscheduledReason.CapacityTaken, low.Reason);
        return Blockers(low);
    }

    [Fact]
    public void Solve_CapacityTaken_AFullSharedRoom_IsNamedWithEveryoneInIt()
    {
        // Two places in the room, both taken all morning; a third provider is free.
        var problem = FixedVisits(
            [Facility("main", "Europe/Paris", Week("09:00", "09:30"))], [Room("exam-1", "main", "exam") with { Capacity = 2 }],
            [.. new[] { "dr-a", "dr-b", "dr-c" }.Select(id => Provider(id, "gp", "main", Week("09:00", "09:30")))],
            ["dr-a exam-1 09:00", "dr-b exam-1 09:00", "dr-a exam-1 09:15", "dr-b exam-1 09:15"]);

        Assert.Equal("provider dr-a f1,f3 | provider dr-b f2,f4 | room exam-1 f1,f2,f3,f4", LowBlockers(problem));
    }

    [Fact]
    public void Solve_CapacityTaken_TheRoomsBufferCounts()
    {
        // Each 15-minute visit keeps the room 15 minutes more: the provider is free at 09:15 and 09:45, the room is not.
        var problem = FixedVisits(
            [Facility("main", "Europe/Paris", Week("09:00", "10:00"))], [Room("exam-1", "main", "exam")],
            [Provider("dr-a", "gp", "main", Week("09:00", "10:00"))],
            ["dr-a exam-1 09:00", "dr-a exam-1 09:30"], buffer: 15);

        Assert.Equal("provider dr-a f1,f2 | room exam-1 f1,f2", LowBlockers(problem));
    }

    [Fact]
    public void Solve_CapacityTaken_AProviderAtTwoFacilities_IsNamedOnceWithTheRequestsAtBothInStartOrder()
    {
        // Main in the second half hour, north in the first: the facilities' order is not the order in time.
        var problem = FixedVisits(
            [Facility("main", "Europe/Paris"), Facility("north", "Europe/Paris")], [Room("exam-1", "main", "exam"), Room("exam-2", "north", "exam")],
            [Provider("dr-a", "gp", "main") with { Availability = [new("main", Week("09:30", "10:00")), new("north", Week("09:00", "09:30"))] }],
            ["dr-a exam-1 09:30", "dr-a exam-1 09:45", "dr-a exam-2 09:00", "dr-a exam-2 09:15"]);

        Assert.Equal("provider dr-a f3,f4,f1,f2 | room exam-1 f1,f2 | room exam-2 f3,f4", LowBlockers(problem));
    }

    [Fact]
    public void Solve_AssignmentsStartingTogether_AreInRequestIdOrder()
    {
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("main", "Europe/Paris")], [Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam")],
            [Provider("dr-a", "gp", "main", Week("09:00", "09:15")), Provider("dr-b", "gp", "main", Week("09:00", "09:15"))],
            [Patient("p1"), Patient("p2"), Patient("p3")],
            [Type("visit", 15, "gp", ["exam"])],
            [Request("zed", "p1", "visit"), Request("abe", "p2", "visit", priority: 2), Request("mid", "p3", "visit")],
            [new FixedBooking("zed", "dr-a", "exam-1", At("2026-12-07T09:00:00+01:00"))]);

        var schedule = SolveVerified(problem, Quick(5));

        Assert.Equal(["abe", "zed"], schedule.Assignments.Select(a => a.RequestId));
        Assert.Equal(UnscheduledReason.CapacityTaken, NotBooked(schedule, "mid").Reason);
    }

    [Fact]
    public void Solve_ALinkWhoseGapNeverFitsTheWindows_SaysSo()
    {
        var requests = new[]
        {
            Request("first", "p1", "visit", "2026-12-07", "2026-12-07"),
            Request("then", "p1", "visit", "2026-12-09", "2026-12-09") with { After = [new RequestLink("first", 0, 60)] },
        };

        var schedule = SolveVerified(OneSlotPerDay(requests, "Mon,Wed"));

        Booked(schedule, "first");
        var u = NotBooked(schedule, "then");
        Assert.Equal(UnscheduledReason.NoAvailabilityInWindow, u.Reason);
        Assert.Equal("no placement in its window keeps the gaps of its links to the requests it follows, even with the calendar free", u.Message);
    }
}
