using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Solving;

/// <summary>Each hard rule, broken on purpose by an easier placement, and seen to hold.</summary>
public sealed class HardRuleTests
{
    private const string Ny = "America/New_York";
    private static readonly IsoDayOfWeek Mon = IsoDayOfWeek.Monday;
    private static readonly IsoDayOfWeek Tue = IsoDayOfWeek.Tuesday;

    private static Problem OneClinic(IEnumerable<AppointmentRequest> requests, IEnumerable<Provider>? providers = null, IEnumerable<Room>? rooms = null,
        IEnumerable<Patient>? patients = null, IEnumerable<AppointmentType>? types = null, IEnumerable<FixedBooking>? fixedBookings = null) =>
        Problem("2026-12-07", "2026-12-11",
            [Facility("main", Ny, Week("08:00", "17:00", Mon, Tue, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday))],
            rooms ?? [Room("exam-1", "main", "exam")],
            providers ?? [Provider("dr-a", "gp", "main", Week("08:00", "17:00"))],
            patients ?? [Patient("p1"), Patient("p2"), Patient("p3")],
            types ?? [Type("visit", 30, "gp", ["exam"])],
            requests,
            fixedBookings);

    [Fact]
    public void Solve_DurationOverride_BooksTheOverriddenLength()
    {
        var schedule = SolveVerified(OneClinic([Request("r1", "p1", "visit") with { DurationMinutes = 75 }]));

        var a = Booked(schedule, "r1");
        Assert.Equal(Duration.FromMinutes(75), a.End.ToInstant() - a.Start.ToInstant());
    }

    [Fact]
    public void Solve_UnskilledProviderFreeEarlier_BooksTheSkilledOne()
    {
        var providers = new[]
        {
            Provider("dr-unskilled", "dermatology", "main", Week("08:00", "17:00")),
            Provider("dr-skilled", "gp", "main", Week("13:00", "17:00", Tue)),
        };

        var schedule = SolveVerified(OneClinic([Request("r1", "p1", "visit")], providers));

        var a = Booked(schedule, "r1");
        Assert.Equal("dr-skilled", a.ProviderId);
        Assert.Equal("2026-12-08T13:00:00-05:00", Format(a.Start));
    }

    [Fact]
    public void Solve_ProviderTimeOff_BooksAfterIt()
    {
        var provider = Provider("dr-a", "gp", "main", Week("08:00", "17:00")) with { TimeOff = [Block("2026-12-07T00:00:00-05:00", "2026-12-08T10:00:00-05:00")] };

        var schedule = SolveVerified(OneClinic([Request("r1", "p1", "visit")], [provider]));

        Assert.Equal("2026-12-08T10:00:00-05:00", Format(Booked(schedule, "r1").Start));
    }

    [Fact]
    public void Solve_TypeWithoutSkill_BooksNoProvider()
    {
        var types = new[] { Type("ecg", 20, null, ["exam"]) };

        var schedule = SolveVerified(OneClinic([Request("r1", "p1", "ecg")], types: types));

        Assert.Null(Booked(schedule, "r1").ProviderId);
        Assert.Equal("exam-1", Booked(schedule, "r1").RoomId);
    }

    [Fact]
    public void Solve_RoomWithoutFeatureOrAtOtherFacility_IsNotBooked()
    {
        var problem = OneClinic([Request("r1", "p1", "visit")], rooms:
        [
            Room("plain", "main", "desk"),
            Room("exam-elsewhere", "annex", "exam"),
            Room("exam-main", "main", "exam") with { Unavailable = [Block("2026-12-07T00:00:00-05:00", "2026-12-09T09:00:00-05:00")] },
        ]);
        problem = problem with { Facilities = [.. problem.Facilities, Facility("annex", Ny)] };

        var schedule = SolveVerified(problem);

        var a = Booked(schedule, "r1");
        Assert.Equal("exam-main", a.RoomId);
        Assert.Equal("2026-12-09T09:00:00-05:00", Format(a.Start));
    }

    [Fact]
    public void Solve_TelehealthType_BooksNoRoom()
    {
        var types = new[] { Type("tele", 15, "gp") };

        var schedule = SolveVerified(OneClinic([Request("r1", "p1", "tele")], types: types));

        Assert.Null(Booked(schedule, "r1").RoomId);
        Assert.Equal("main", Booked(schedule, "r1").FacilityId);
    }

    [Fact]
    public void Solve_ProviderAvailableBeforeOpening_BooksInsideOpeningHours()
    {
        var providers = new[] { Provider("dr-a", "gp", "main", Week("06:00", "08:30", Mon)) };

        var schedule = SolveVerified(OneClinic([Request("r1", "p1", "visit")], providers));

        Assert.Equal("2026-12-07T08:00:00-05:00", Format(Booked(schedule, "r1").Start));
    }

    [Fact]
    public void Solve_PatientHoursInAnotherZone_BooksInsideThem()
    {
        // 07:00-08:00 in Los Angeles on Wednesday is 10:00-11:00 in New York.
        var patient = new Patient("p1", Zone("America/Los_Angeles"), [Week("07:00", "08:00", IsoDayOfWeek.Wednesday)], []);

        var schedule = SolveVerified(OneClinic([Request("r1", "p1", "visit")], patients: [patient]));

        var a = Booked(schedule, "r1");
        Assert.True(a.Start.ToInstant() >= At("2026-12-09T10:00:00-05:00") && a.End.ToInstant() <= At("2026-12-09T11:00:00-05:00"), Format(a.Start));
    }

    [Fact]
    public void Solve_PatientUnavailable_BooksAround()
    {
        var patient = Patient("p1") with { Unavailable = [Block("2026-12-07T00:00:00-05:00", "2026-12-10T15:00:00-05:00")] };

        var schedule = SolveVerified(OneClinic([Request("r1", "p1", "visit")], patients: [patient]));

        Assert.Equal("2026-12-10T15:00:00-05:00", Format(Booked(schedule, "r1").Start));
    }

    [Fact]
    public void Solve_OneProviderTwoPatientsOneSlotDay_NeverDoubleBooksTheProvider()
    {
        var providers = new[] { Provider("dr-a", "gp", "main", Week("08:00", "09:00", Mon)) };
        var rooms = new[] { Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam") };

        var schedule = SolveVerified(OneClinic([Request("r1", "p1", "visit"), Request("r2", "p2", "visit")], providers, rooms));

        Assert.Equal(2, schedule.Assignments.Count);
        var (x, y) = (schedule.Assignments[0], schedule.Assignments[1]);
        Assert.True(x.End.ToInstant() <= y.Start.ToInstant());
    }

    [Fact]
    public void Solve_RoomBuffer_KeepsTurnoverBetweenAppointments()
    {
        var providers = new[] { Provider("dr-a", "gp", "main", Week("08:00", "17:00")), Provider("dr-b", "gp", "main", Week("08:00", "17:00")) };
        var types = new[] { Type("visit", 30, "gp", ["exam"], buffer: 15) };
        var requests = new[] { Request("r1", "p1", "visit", "2026-12-07", "2026-12-07"), Request("r2", "p2", "visit", "2026-12-07", "2026-12-07") };

        var schedule = SolveVerified(OneClinic(requests, providers, types: types));

        var ordered = schedule.Assignments.OrderBy(a => a.Start.ToInstant()).ToList();
        Assert.Equal(2, ordered.Count);
        Assert.True(ordered[1].Start.ToInstant() - ordered[0].End.ToInstant() >= Duration.FromMinutes(15));
    }

    [Fact]
    public void Solve_BufferDoesNotNeedOpeningHours_LastSlotEndsAtClosing()
    {
        var providers = new[] { Provider("dr-a", "gp", "main", Week("16:30", "17:00", Mon)) };
        var types = new[] { Type("visit", 30, "gp", ["exam"], buffer: 60) };

        var schedule = SolveVerified(OneClinic([Request("r1", "p1", "visit")], providers, types: types));

        Assert.Equal("2026-12-07T17:00:00-05:00", Format(Booked(schedule, "r1").End));
    }

    [Fact]
    public void Solve_OnePatientTwoProviders_NeverDoubleBooksThePatient()
    {
        var providers = new[] { Provider("dr-a", "gp", "main", Week("08:00", "08:30", Mon)), Provider("dr-b", "gp", "main", Week("08:00", "09:00", Mon)) };
        var rooms = new[] { Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam") };

        var schedule = SolveVerified(OneClinic([Request("r1", "p1", "visit"), Request("r2", "p1", "visit")], providers, rooms));

        Assert.Equal(2, schedule.Assignments.Count);
        var ordered = schedule.Assignments.OrderBy(a => a.Start.ToInstant()).ToList();
        Assert.True(ordered[0].End.ToInstant() <= ordered[1].Start.ToInstant());
    }

    [Fact]
    public void Solve_LinkWithGaps_StartsWithinThem()
    {
        var requests = new[]
        {
            Request("first", "p1", "visit", priority: 1),
            Request("second", "p1", "visit", priority: 5) with { After = [new RequestLink("first", 120, 180)] },
        };

        var schedule = SolveVerified(OneClinic(requests));

        var gap = Booked(schedule, "second").Start.ToInstant() - Booked(schedule, "first").End.ToInstant();
        Assert.InRange(gap.TotalMinutes, 120, 180);
    }

    [Fact]
    public void Solve_PredecessorCannotBeBooked_SuccessorIsNotBookedEither()
    {
        var requests = new[]
        {
            Request("first", "p1", "visit", "2026-12-12", "2026-12-14"),
            Request("second", "p1", "visit", priority: 50) with { After = [new RequestLink("first")] },
        };

        var schedule = SolveVerified(OneClinic(requests));

        Assert.Equal(UnscheduledReason.NoAvailabilityInWindow, NotBooked(schedule, "first").Reason);
        var second = NotBooked(schedule, "second");
        Assert.Equal(UnscheduledReason.PredecessorUnscheduled, second.Reason);
        Assert.Equal("it follows request 'first', which can never be scheduled", second.Message);
    }

    [Fact]
    public void Solve_MaxGapTooTightForAnyPair_LeavesTheFollowUpOut()
    {
        // The only provider works Monday mornings and Friday mornings: the follow-up cannot come within a day.
        var providers = new[] { Provider("dr-a", "gp", "main", Week("08:00", "08:30", Mon, IsoDayOfWeek.Friday)) };
        var requests = new[]
        {
            Request("first", "p1", "visit", priority: 3),
            Request("second", "p1", "visit", priority: 1) with { After = [new RequestLink("first", 0, 1440)] },
        };

        var schedule = SolveVerified(OneClinic(requests, providers));

        Booked(schedule, "first");
        Assert.Equal(UnscheduledReason.NoAvailabilityInWindow, NotBooked(schedule, "second").Reason);
    }

    [Fact]
    public void Solve_WindowInFacilityZone_StartsOnThatLocalDate()
    {
        // 2026-12-08 in Auckland (UTC+13) begins at 2026-12-07T11:00Z.
        var problem = Problem("2026-12-07", "2026-12-11",
            [Facility("akl", "Pacific/Auckland")],
            [Room("exam-1", "akl", "exam")],
            [Provider("dr-a", "gp", "akl", Week("00:00", "24:00"))],
            [Patient("p1")],
            [Type("visit", 30, "gp", ["exam"])],
            [Request("r1", "p1", "visit", "2026-12-08", "2026-12-08")]);

        var schedule = SolveVerified(problem);

        var a = Booked(schedule, "r1");
        Assert.Equal(new LocalDate(2026, 12, 8), a.Start.Date);
        Assert.Equal(Offset.FromHours(13), a.Start.Offset);
        Assert.Equal("2026-12-08T00:00:00+13:00", Format(a.Start));
    }

    [Fact]
    public void Solve_FixedBooking_KeptAndPlannedAround()
    {
        var providers = new[] { Provider("dr-a", "gp", "main", Week("08:00", "09:00", Mon)) };
        var fixedBookings = new[] { new FixedBooking("r-fixed", "dr-a", "exam-1", At("2026-12-07T08:15:00-05:00")) };
        var requests = new[] { Request("r-fixed", "p1", "visit"), Request("r-new", "p2", "visit", priority: 100) };

        var schedule = SolveVerified(OneClinic(requests, providers, fixedBookings: fixedBookings));

        Assert.Equal("2026-12-07T08:15:00-05:00", Format(Booked(schedule, "r-fixed").Start));
        Assert.Equal(UnscheduledReason.CapacityTaken, NotBooked(schedule, "r-new").Reason);
    }

    [Fact]
    public void Solve_FixedBookingAfterAnImpossibleRequest_IsInfeasible()
    {
        var fixedBookings = new[] { new FixedBooking("r2", "dr-a", "exam-1", At("2026-12-08T09:00:00-05:00")) };
        var requests = new[]
        {
            Request("r1", "p1", "visit", "2026-12-20", "2026-12-21"),
            Request("r2", "p1", "visit") with { After = [new RequestLink("r1")] },
        };

        var schedule = SolveVerified(OneClinic(requests, fixedBookings: fixedBookings));

        Assert.Equal(ScheduleStatus.Infeasible, schedule.Status);
        Assert.Empty(schedule.Assignments);
        Assert.Equal(2, schedule.Unscheduled.Count);
    }

    [Fact]
    public void Solve_FixedBookingFollowingAFreeRequest_SchedulesThePredecessorBeforeIt()
    {
        var fixedBookings = new[] { new FixedBooking("r2", "dr-a", "exam-1", At("2026-12-08T11:00:00-05:00")) };
        var requests = new[]
        {
            Request("r1", "p1", "visit"),
            Request("r2", "p1", "visit") with { After = [new RequestLink("r1", 60, 120)] },
        };

        var schedule = SolveVerified(OneClinic(requests, fixedBookings: fixedBookings));

        var gap = At("2026-12-08T11:00:00-05:00") - Booked(schedule, "r1").End.ToInstant();
        Assert.InRange(gap.TotalMinutes, 60, 120);
    }
}
