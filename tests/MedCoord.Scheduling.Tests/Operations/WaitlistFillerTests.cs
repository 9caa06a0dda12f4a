using FsCheck;
using FsCheck.Xunit;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Operations;

public sealed class WaitlistFillerTests
{
    private const string Ny = "America/New_York";

    private static Problem Hour(params AppointmentRequest[] requests) =>
        Problem("2026-12-07", "2026-12-07",
            [Facility("main", Ny)], [], [Provider("dr-a", "gp", "main", Week("09:00", "10:00"))],
            [Patient("p1"), Patient("p2"), Patient("p3"), Patient("p4"), Patient("p5")],
            [Type("visit", 30, "gp"), Type("long", 60, "gp")],
            requests);

    private static Assignment At(string request, string patient, string start, string end) =>
        new(request, patient, "dr-a", null, "main", NodaTime.Text.OffsetDateTimePattern.ExtendedIso.Parse(start).Value, NodaTime.Text.OffsetDateTimePattern.ExtendedIso.Parse(end).Value);

    private static Schedule BookOf(IEnumerable<Assignment> assignments, IEnumerable<string> waiting) =>
        new(ScheduleStatus.Feasible, new ScheduleObjective(2, 2, 0), [.. assignments],
            [.. waiting.Select(w => new UnscheduledRequest(w, UnscheduledReason.CapacityTaken, "waiting"))], new SolveStats(0, 0, 0));

    [Fact]
    public void Fill_FreedHalfHour_GoesToTheHighestPriorityRequestThatFitsIt()
    {
        var problem = Hour(
            Request("a", "p1", "visit"), Request("b", "p2", "visit"),
            Request("c", "p3", "visit", priority: 2), Request("d", "p4", "long", priority: 5), Request("e", "p5", "visit", priority: 3));
        var book = BookOf(
            [At("a", "p1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00"), At("b", "p2", "2026-12-07T09:30:00-05:00", "2026-12-07T10:00:00-05:00")],
            ["c", "d", "e"]);

        var result = WaitlistFiller.Fill(problem, book, "a");

        Assert.Equal("e", Assert.Single(result.Filled).RequestId);
        Assert.Equal(book.Assignments[0].Start, result.Filled[0].Start);
        Assert.Equal(book.Assignments[1], result.Schedule.Assignments.Single(x => x.RequestId == "b"));
        Assert.Equal(UnscheduledReason.Cancelled, NotBooked(result.Schedule, "a").Reason);
        Assert.Equal(UnscheduledReason.CapacityTaken, NotBooked(result.Schedule, "c").Reason);
        Assert.Equal(UnscheduledReason.CapacityTaken, NotBooked(result.Schedule, "d").Reason);
        Assert.Equal(4, result.Schedule.Objective.ScheduledPriority);
        Assert.Empty(ScheduleVerifier.Violations(problem, result.Schedule));
    }

    [Fact]
    public void Fill_Cancelled_CancelsTheAppointmentButFillsNothing()
    {
        var problem = Hour(Request("a", "p1", "visit"), Request("b", "p2", "visit"), Request("e", "p5", "visit", priority: 3));
        var book = BookOf(
            [At("a", "p1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00"), At("b", "p2", "2026-12-07T09:30:00-05:00", "2026-12-07T10:00:00-05:00")],
            ["e"]);

        Assert.Equal("e", Assert.Single(WaitlistFiller.Fill(problem, book, "a").Filled).RequestId);
        var result = WaitlistFiller.Fill(problem, book, "a", cancellationToken: new CancellationToken(canceled: true));

        Assert.Empty(result.Filled);
        Assert.Equal(UnscheduledReason.Cancelled, NotBooked(result.Schedule, "a").Reason);
        Assert.Equal([book.Assignments[1]], result.Schedule.Assignments);
    }

    [Fact]
    public void Fill_PatientTimeFreed_GoesToTheSamePatientsWaitingRequestWithAnotherProvider()
    {
        // p1 waits for a visit with dr-b while busy with dr-a; cancelling the dr-a visit frees p1, not dr-b.
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("main", Ny)], [],
            [Provider("dr-a", "gp", "main", Week("09:00", "09:30")), Provider("dr-b", "derm", "main", Week("09:00", "09:30"))],
            [Patient("p1")],
            [Type("visit", 30, "gp"), Type("skin", 30, "derm")],
            [Request("a", "p1", "visit"), Request("s", "p1", "skin", priority: 4)]);
        var book = BookOf([At("a", "p1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00")], ["s"]);

        var result = WaitlistFiller.Fill(problem, book, "a");

        var filled = Assert.Single(result.Filled);
        Assert.Equal(("s", "dr-b"), (filled.RequestId, filled.ProviderId));
        Assert.Empty(ScheduleVerifier.Violations(problem, result.Schedule));
    }

    [Fact]
    public void Fill_HigherPriorityRequestFollowingALowerOne_IsFilledOnceItsPredecessorIs()
    {
        var problem = Hour(
            Request("lab", "p1", "visit"), Request("consult", "p1", "visit") with { After = [new RequestLink("lab", 0, null)] },
            Request("w1", "p2", "visit"), Request("w2", "p2", "visit", priority: 5) with { After = [new RequestLink("w1", 0, null)] });
        var book = BookOf(
            [At("lab", "p1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00"), At("consult", "p1", "2026-12-07T09:30:00-05:00", "2026-12-07T10:00:00-05:00")],
            ["w1", "w2"]);

        var result = WaitlistFiller.Fill(problem, book, "lab");

        Assert.Equal(["w1", "w2"], result.Filled.Select(a => a.RequestId));
        Assert.Empty(ScheduleVerifier.Violations(problem, result.Schedule));
    }

    [Fact]
    public void Fill_CancelledPredecessor_ReleasesItsFollowerAndFillsBothSlots()
    {
        var problem = Hour(
            Request("lab", "p1", "visit"), Request("consult", "p1", "visit") with { After = [new RequestLink("lab", 0, null)] },
            Request("w1", "p2", "visit", priority: 2), Request("w2", "p3", "visit"));
        var book = BookOf(
            [At("lab", "p1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00"), At("consult", "p1", "2026-12-07T09:30:00-05:00", "2026-12-07T10:00:00-05:00")],
            ["w1", "w2"]);

        var result = WaitlistFiller.Fill(problem, book, "lab");

        var released = Assert.Single(result.Released);
        Assert.Equal(("consult", UnscheduledReason.PredecessorUnscheduled, "it follows request 'lab', whose appointment was cancelled"), (released.RequestId, released.Reason, released.Message));
        Assert.Equal(["w1", "w2"], result.Filled.Select(a => a.RequestId));
        Assert.Empty(ScheduleVerifier.Violations(problem, result.Schedule));
        Assert.Throws<ArgumentNullException>(() => WaitlistFiller.Fill(problem, null!, "lab"));
        Assert.Throws<ArgumentNullException>(() => WaitlistFiller.Fill(problem, book, null!));
    }

    [Fact]
    public void Fill_TheNewBooksWaitingCost_CountsEveryAppointmentFromItsEarliestDay()
    {
        // Two days; w waits from the horizon's first day (no earliest), v from the second; both fill on the second day.
        var problem = Problem("2026-12-07", "2026-12-08",
            [Facility("main", Ny)], [], [Provider("dr-a", "gp", "main", Week("09:00", "10:00"))],
            [Patient("p1"), Patient("p2"), Patient("p3"), Patient("p4")],
            [Type("visit", 30, "gp")],
            [Request("a", "p1", "visit", "2026-12-08"), Request("b", "p2", "visit", "2026-12-08"), Request("w", "p3", "visit", priority: 3), Request("v", "p4", "visit", "2026-12-08", priority: 2)]);
        var full = BookOf(
            [
                At("x1", "p1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00") with { RequestId = "a" },
                At("b", "p2", "2026-12-08T09:00:00-05:00", "2026-12-08T09:30:00-05:00"),
            ],
            ["w", "v"]);
        var book = full with { Assignments = [full.Assignments[0] with { Start = full.Assignments[1].Start.PlusMinutes(30), End = full.Assignments[1].End.PlusMinutes(30) }, full.Assignments[1]] };

        var result = WaitlistFiller.Fill(problem, book, "b");

        Assert.Equal(["w", "a"], result.Schedule.Assignments.Select(x => x.RequestId));
        // a: priority 1, 0 days from 12-08; w: priority 3, 1 day from 12-07 (the horizon's start).
        Assert.Equal(3, result.Schedule.Objective.WaitingCost);
    }

    [Fact]
    public void Fill_OffersOnlyTheFreedTime_NotTimeThatWasFreeBefore()
    {
        // Two providers; dr-b's hour was free all along and e waited anyway (a book the host kept): a cancellation of
        // dr-a's appointment offers dr-a's half hour, and e takes that, not dr-b's.
        var problem = Hour(Request("a", "p1", "visit"), Request("b", "p2", "visit"), Request("e", "p5", "visit", priority: 3)) with
        {
            Providers = [Provider("dr-a", "gp", "main", Week("09:00", "10:00")), Provider("dr-b", "gp", "main", Week("09:00", "10:00"))],
        };
        var book = BookOf(
            [At("a", "p1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00"), At("b", "p2", "2026-12-07T09:30:00-05:00", "2026-12-07T10:00:00-05:00")],
            ["e"]);

        var filled = Assert.Single(WaitlistFiller.Fill(problem, book, "b").Filled);

        Assert.Equal(("e", "dr-a", book.Assignments[1].Start), (filled.RequestId, filled.ProviderId, filled.Start));
    }

    [Fact]
    public void Fill_ARoomFreedWithItsBuffer_IsOfferedToTheEndOfTheTurnover()
    {
        // One room, a 10-minute turnover after each visit: b's cancellation frees 09:30 to 10:10 in the room.
        var problem = Problem("2026-12-07", "2026-12-07",
            [Facility("main", Ny)], [Room("exam", "main", "exam")], [Provider("dr-a", "gp", "main", Week("09:00", "11:00")), Provider("dr-b", "gp", "main", Week("09:00", "11:00"))],
            [Patient("p1"), Patient("p2"), Patient("p3")],
            [Type("visit", 20, "gp", ["exam"], buffer: 10)],
            [Request("a", "p1", "visit"), Request("b", "p2", "visit"), Request("c", "p3", "visit", priority: 4)]);
        static Assignment InRoom(string request, string patient, string provider, string start, string end) =>
            new(request, patient, provider, "exam", "main", NodaTime.Text.OffsetDateTimePattern.ExtendedIso.Parse(start).Value, NodaTime.Text.OffsetDateTimePattern.ExtendedIso.Parse(end).Value);
        var book = new Schedule(ScheduleStatus.Feasible, new ScheduleObjective(2, 2, 0),
            [InRoom("a", "p1", "dr-a", "2026-12-07T09:00:00-05:00", "2026-12-07T09:20:00-05:00"), InRoom("b", "p2", "dr-b", "2026-12-07T09:30:00-05:00", "2026-12-07T09:50:00-05:00")],
            [new UnscheduledRequest("c", UnscheduledReason.CapacityTaken, "waiting")], new SolveStats(0, 0, 0));

        var result = WaitlistFiller.Fill(problem, book, "b");

        var filled = Assert.Single(result.Filled);
        Assert.Equal("c", filled.RequestId);
        Assert.True(filled.Start.ToInstant() >= book.Assignments[0].End.ToInstant() + Duration.FromMinutes(10));
        Assert.True(filled.Start.ToInstant() < book.Assignments[1].End.ToInstant() + Duration.FromMinutes(10));
        Assert.Empty(ScheduleVerifier.Violations(problem, result.Schedule));
        Assert.Equal(["a", "c"], result.Schedule.Assignments.Select(x => x.RequestId));
        Assert.Equal(["b"], result.Schedule.Unscheduled.Select(u => u.RequestId));
        Assert.Equal((5L, 5L), (result.Schedule.Objective.ScheduledPriority, result.Schedule.Objective.UpperBound));
    }

    [Fact]
    public void Fill_ACancelledVisitOfASeries_ReleasesTheSeries_AndSaysWhy()
    {
        var problem = Problem("2026-12-07", "2026-12-08",
            [Facility("main", Ny)], [], [Provider("dr-a", "gp", "main", Week("09:00", "10:00"))],
            [Patient("p1"), Patient("p2")],
            [Type("visit", 30, "gp")],
            [Request("s1", "p1", "visit"), Request("s2", "p1", "visit"), Request("w", "p2", "visit", priority: 2)]) with
        {
            Series = [new RequestSeries("course", ["s1", "s2"], 1)],
        };
        var book = BookOf(
            [At("s1", "p1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00"), At("s2", "p1", "2026-12-08T09:00:00-05:00", "2026-12-08T09:30:00-05:00")],
            ["w"]);

        var result = WaitlistFiller.Fill(problem, book, "s1");

        var released = Assert.Single(result.Released);
        Assert.Equal(("s2", UnscheduledReason.SeriesIncomplete, "request 's1' of its series 'course' lost its appointment, and a series is booked whole"), (released.RequestId, released.Reason, released.Message));
        Assert.Equal(("s1", UnscheduledReason.Cancelled, "its appointment was cancelled"), (NotBooked(result.Schedule, "s1").RequestId, NotBooked(result.Schedule, "s1").Reason, NotBooked(result.Schedule, "s1").Message));
        Assert.Equal("w", result.Filled[0].RequestId);
        Assert.Equal(["s1", "s2"], result.Schedule.Unscheduled.Select(u => u.RequestId));
        Assert.Empty(ScheduleVerifier.Violations(problem, result.Schedule));
    }

    [Fact]
    public void Fill_BadRequest_IsRefusedNamingIt()
    {
        var problem = Hour(Request("a", "p1", "visit"), Request("b", "p2", "visit")) with { };
        var fixedProblem = problem with { Fixed = [new FixedBooking("a", "dr-a", null, At("a", "p1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00").Start.ToInstant())] };
        var book = BookOf([At("a", "p1", "2026-12-07T09:00:00-05:00", "2026-12-07T09:30:00-05:00")], ["b"]);

        Assert.Equal(new RequestRefusal("zz", RequestRefusalReason.UnknownRequest, "unknown request 'zz'"),
            Assert.Throws<RequestRefusedException>(() => WaitlistFiller.Fill(problem, book, "zz")).Refusal);
        Assert.Equal(new RequestRefusal("b", RequestRefusalReason.NotBooked, "request 'b' is not booked"),
            Assert.Throws<RequestRefusedException>(() => WaitlistFiller.Fill(problem, book, "b")).Refusal);
        var fixedRefusal = Assert.Throws<RequestRefusedException>(() => WaitlistFiller.Fill(fixedProblem, book, "a"));
        Assert.Equal((RequestRefusalReason.FixedBooking, "cancelledRequestId"), (fixedRefusal.Refusal.Reason, fixedRefusal.ParamName));
        Assert.Contains("fixed booking", fixedRefusal.Refusal.Message);
    }

    /// <summary>Fill never touches other bookings, books only into freed time, and leaves a schedule the verifier accepts.</summary>
    [Property(MaxTest = 15)]
    public void Fill_NeverTouchesOtherBookings(NonNegativeInt seed, PositiveInt size)
    {
        var problem = RandomProblems.Create(seed.Get, 10 + (size.Get % 40));
        var book = SolveVerified(problem, Quick(2));
        var fixedIds = problem.Fixed.Select(f => f.RequestId).ToHashSet();
        var cancellable = book.Assignments.Where(a => !fixedIds.Contains(a.RequestId)).ToList();
        if (cancellable.Count == 0)
        {
            return;
        }

        var cancelled = cancellable[seed.Get % cancellable.Count];
        var result = WaitlistFiller.Fill(problem, book, cancelled.RequestId);

        var gone = result.Released.Select(r => r.RequestId).Append(cancelled.RequestId).ToHashSet();
        foreach (var before in book.Assignments.Where(a => !gone.Contains(a.RequestId)))
        {
            Assert.Contains(before, result.Schedule.Assignments);
        }

        var freed = book.Assignments.Where(a => gone.Contains(a.RequestId)).ToList();
        Assert.All(result.Filled, f => Assert.Contains(freed, g =>
            (g.ProviderId is not null && g.ProviderId == f.ProviderId || g.RoomId is not null && g.RoomId == f.RoomId)
            && f.Start.ToInstant() < g.End.ToInstant() && g.Start.ToInstant() < f.End.ToInstant()));
        Assert.Equal(problem.Requests.Count, result.Schedule.Assignments.Count + result.Schedule.Unscheduled.Count);
        var violations = ScheduleVerifier.Violations(problem, result.Schedule);
        Assert.True(violations.Count == 0, string.Join("; ", violations));
    }
}
