using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Verification;

/// <summary>The verifier must catch each kind of broken schedule, or the properties that rely on it prove nothing.</summary>
public sealed class ScheduleVerifierTests
{
    private static readonly Lazy<(Problem Problem, Schedule Schedule)> Solved = new(() =>
    {
        var problem = Example();
        return (problem, SolveVerified(problem, Quick(30)));
    });

    private static Schedule Change(string request, Func<Assignment, Assignment> change)
    {
        var s = Solved.Value.Schedule;
        return s with { Assignments = [.. s.Assignments.Select(a => a.RequestId == request ? change(a) : a)] };
    }

    private static Assignment Shift(Assignment a, int minutes) =>
        a with { Start = a.Start.PlusMinutes(minutes), End = a.End.PlusMinutes(minutes) };

    public static TheoryData<string, string> Breakages() => new()
    {
        { "drop", "rule 1: request r-05 is missing" },
        { "duplicate", "rule 1: request r-05 appears 2 times" },
        { "move fixed", "rule 1: fixed request r-10 moved" },
        { "stretch", "rule 2: r-05 lasts 46 minutes, not 45" },
        { "unskilled provider", "rule 3: dr-haddad lacks skill echo for r-05" },
        { "provider outside hours", "rule 3: r-05 is outside dr-lindqvist's availability at main" },
        { "wrong room", "rule 4: room main-exam-1 lacks features for r-05" },
        { "room at other facility", "rule 4: room lake-exam-1 is not at main" },
        { "closed facility", "rule 5: r-11 is outside main's opening hours" },
        { "patient away", "rule 5: r-09 overlaps patient p-007's unavailable block" },
        { "link broken", "rule 7: r-02 is scheduled but its predecessor r-01 is not" },
        { "outside window", "rule 8: r-06 starts on 2026-12-09 outside [2026-12-07, 2026-12-08]" },
    };

    [Fact]
    public void Violations_SolvedExample_None()
    {
        Assert.Empty(ScheduleVerifier.Violations(Solved.Value.Problem, Solved.Value.Schedule));
    }

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Violations_BrokenSchedule_NamesTheRule(string breakage, string expected)
    {
        var (problem, schedule) = Solved.Value;
        var broken = breakage switch
        {
            "drop" => schedule with { Assignments = [.. schedule.Assignments.Where(a => a.RequestId != "r-05")] },
            "duplicate" => schedule with { Assignments = [.. schedule.Assignments, Booked(schedule, "r-05")] },
            "move fixed" => Change("r-10", a => Shift(a, 5)),
            "stretch" => Change("r-05", a => a with { End = a.End.PlusMinutes(1) }),
            "unskilled provider" => Change("r-05", a => a with { ProviderId = "dr-haddad" }),
            "provider outside hours" => Change("r-05", a => a with
            {
                Start = new LocalDateTime(2026, 12, 9, 14, 0).WithOffset(Offset.FromHours(-5)),
                End = new LocalDateTime(2026, 12, 9, 14, 45).WithOffset(Offset.FromHours(-5)),
            }),
            "wrong room" => Change("r-05", a => a with { RoomId = "main-exam-1" }),
            "room at other facility" => Change("r-06", a => a with { RoomId = "lake-exam-1" }),
            "closed facility" => Change("r-11", a => a with
            {
                Start = new LocalDateTime(2026, 12, 7, 20, 0).WithOffset(Offset.FromHours(-5)),
                End = new LocalDateTime(2026, 12, 7, 20, 10).WithOffset(Offset.FromHours(-5)),
            }),
            "patient away" => Change("r-09", a => a with
            {
                Start = new LocalDateTime(2026, 12, 7, 9, 0).WithOffset(Offset.FromHours(-6)),
                End = new LocalDateTime(2026, 12, 7, 9, 40).WithOffset(Offset.FromHours(-6)),
            }),
            "link broken" => schedule with
            {
                Assignments = [.. schedule.Assignments.Where(a => a.RequestId != "r-01")],
                Unscheduled = [.. schedule.Unscheduled, new UnscheduledRequest("r-01", UnscheduledReason.CapacityTaken, "test")],
            },
            "outside window" => Change("r-06", a => a with
            {
                Start = new LocalDateTime(2026, 12, 9, 12, 0).WithOffset(Offset.FromHours(-5)),
                End = new LocalDateTime(2026, 12, 9, 12, 20).WithOffset(Offset.FromHours(-5)),
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(breakage)),
        };

        Assert.Contains(expected, ScheduleVerifier.Violations(problem, broken));
    }

    [Fact]
    public void Violations_TwoBookingsOfOneProvider_FlagsTheOverlap()
    {
        var problem = Problem("2026-12-07", "2026-12-07", [Facility("f", "Etc/UTC")], [Room("r1", "f", "x"), Room("r2", "f", "x")],
            [Provider("dr", "gp", "f", Week("00:00", "24:00"))], [Patient("p1"), Patient("p2")], [Type("t", 30, "gp", ["x"], buffer: 10)],
            [Request("a", "p1", "t"), Request("b", "p2", "t")]);
        var at = new LocalDateTime(2026, 12, 7, 9, 0).WithOffset(Offset.Zero);
        Assignment Book(string id, string patient, string room, int minutes) =>
            new(id, patient, "dr", room, "f", at.PlusMinutes(minutes), at.PlusMinutes(minutes + 30));
        Schedule With(params Assignment[] a) => new(ScheduleStatus.Feasible, new(0, 0, 0), a, [], new(0, 1, 0));

        Assert.Contains("rule 6: a and b overlap for provider dr", ScheduleVerifier.Violations(problem, With(Book("a", "p1", "r1", 0), Book("b", "p2", "r2", 29))));
        var sameRoom = problem with { Providers = [Provider("dr", "gp", "f", Week("00:00", "24:00")), Provider("dr2", "gp", "f", Week("00:00", "24:00"))] };
        Assert.Contains("rule 6: a and b overlap in room r1 counting buffers",
            ScheduleVerifier.Violations(sameRoom, With(Book("a", "p1", "r1", 0), Book("b", "p2", "r1", 35) with { ProviderId = "dr2" })));
        Assert.Empty(ScheduleVerifier.Violations(sameRoom, With(Book("a", "p1", "r1", 0), Book("b", "p2", "r1", 40) with { ProviderId = "dr2" })));
    }
}

/// <summary>The verifier reads a patient's hours on every patient-local date that overlaps the horizon's facility dates.</summary>
public sealed class WallClockTests
{
    private static Problem Edge(string from, string to) => Problem("2026-12-07", "2026-12-11",
        [Facility("nyc", "America/New_York", Week("09:00", "17:00"))], [], [Provider("dr", "gp", "nyc", Week("09:00", "17:00"))],
        [new Patient("p", Zone("Pacific/Auckland"), [Week(from, to, IsoDayOfWeek.Saturday)], [])],
        [Type("tele", 60, "gp")], [Request("r", "p", "tele")]);

    private static Schedule BookedAt(string start, string end) =>
        new(ScheduleStatus.Feasible, new ScheduleObjective(1, 1, 0),
            [new Assignment("r", "p", "dr", null, "nyc", OffsetDateTimePatternAt(start), OffsetDateTimePatternAt(end))], [], new SolveStats(0, 1, 0));

    private static OffsetDateTime OffsetDateTimePatternAt(string text) => At(text).WithOffset(Offset.FromHours(-5));

    [Fact]
    public void Violations_AucklandSaturdayOnTheLastNewYorkFriday_None()
    {
        Assert.Empty(ScheduleVerifier.Violations(Edge("09:00", "11:00"), BookedAt("2026-12-11T15:00:00-05:00", "2026-12-11T16:00:00-05:00")));
    }

    [Fact]
    public void Violations_OutsideTheAucklandHoursOnTheLastDate_NamesTheRule()
    {
        var violations = ScheduleVerifier.Violations(Edge("10:00", "11:00"), BookedAt("2026-12-11T15:00:00-05:00", "2026-12-11T16:00:00-05:00"));

        Assert.Equal("rule 5: r is outside patient p's hours", Assert.Single(violations));
    }

    [Fact]
    public void PatientBlocks_FirstAndLastDates_ReachThePatientDatesAroundTheHorizon()
    {
        var clock = new WallClock(new DateInterval(Date("2026-12-07"), Date("2026-12-07")), [Zone("America/New_York")]);

        var pagoPago = clock.PatientBlocks(Zone("Pacific/Pago_Pago"), [Week("18:00", "20:00")]);
        var kiritimati = clock.PatientBlocks(Zone("Pacific/Kiritimati"), [Week("08:00", "10:00")]);

        // Pago Pago (UTC-11) has Sunday evening and Monday evening in New York's Monday; Kiritimati (UTC+14) has Monday and Tuesday mornings.
        Assert.Equal([At("2026-12-06T18:00:00-11:00"), At("2026-12-07T18:00:00-11:00")], pagoPago.Select(b => b.From));
        Assert.Equal([At("2026-12-07T08:00:00+14:00"), At("2026-12-08T08:00:00+14:00")], kiritimati.Select(b => b.From));
    }
}
