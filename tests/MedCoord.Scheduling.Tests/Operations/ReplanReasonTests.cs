using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Operations;

/// <summary>
/// Each reason a re-plan gives for an appointment it could not keep, from a hand-made previous book on a one-morning
/// clinic: the reason names what changed, and everything else stays where it was.
/// </summary>
public sealed class ReplanReasonTests
{
    private const string Zone = "America/Chicago";

    /// <summary>One Monday morning: two providers, two exam rooms, an ultrasound pool; a, b, c, d for four patients, b after a within an hour.</summary>
    private static Problem Clinic() =>
        Problem("2026-12-07", "2026-12-07",
            [Facility("main", Zone, Week("08:00", "12:00"))],
            [Room("exam-1", "main", "exam"), Room("exam-2", "main", "exam")],
            [Provider("dr-a", "gp", "main", Week("08:00", "12:00")), Provider("dr-b", "gp", "main", Week("08:00", "12:00"))],
            [Patient("p1"), Patient("p2"), Patient("p3"), Patient("p4")],
            [Type("visit", 30, "gp", ["exam"]), Type("scan", 30, "gp", ["exam"]) with { Equipment = ["ultrasound"] }],
            [
                Request("a", "p1", "visit", priority: 5),
                Request("b", "p1", "visit", priority: 4) with { After = [new RequestLink("a", 0, 60)] },
                Request("c", "p2", "visit", priority: 3),
                Request("d", "p3", "scan", priority: 2),
            ]) with
        {
            Equipment = [new EquipmentPool("us", "main", "ultrasound", 1)],
        };

    private static Assignment At(string request, string patient, string provider, string room, string start, int minutes = 30)
    {
        var s = TestProblems.At($"2026-12-07T{start}:00-06:00");
        var zone = TestProblems.Zone(Zone);
        return new Assignment(request, patient, provider, room, "main", s.InZone(zone).ToOffsetDateTime(), (s + Duration.FromMinutes(minutes)).InZone(zone).ToOffsetDateTime());
    }

    /// <summary>a 08:00 dr-a exam-1; b 08:30 dr-a exam-1; c 08:00 dr-b exam-2; d 09:00 dr-b exam-2.</summary>
    private static Schedule Previous() => new(ScheduleStatus.Feasible, new ScheduleObjective(14, 14, 0),
        [At("a", "p1", "dr-a", "exam-1", "08:00"), At("b", "p1", "dr-a", "exam-1", "08:30"), At("c", "p2", "dr-b", "exam-2", "08:00"), At("d", "p3", "dr-b", "exam-2", "09:00")],
        [], new SolveStats(0, 1, 0));

    private static ReplanResult Replan(Problem changed) => new AppointmentScheduler().Replan(changed, Previous(), Quick(5));

    private static string ReasonOf(ReplanResult result, string request) => result.Changes.Single(c => c.RequestId == request).Reason;

    [Fact]
    public void Unchanged_KeepsEverything()
    {
        var result = Replan(Clinic());

        Assert.Empty(result.Changes);
        Assert.Equal(Previous().Assignments.OrderBy(a => a.RequestId), result.Schedule.Assignments.OrderBy(a => a.RequestId));
        Assert.Empty(ScheduleVerifier.Violations(Clinic(), result.Schedule));
    }

    [Fact]
    public void ALongerVisit_SaysHowLongItNowTakes()
    {
        var problem = Clinic() with { Requests = [.. Clinic().Requests.Select(r => r.Id == "c" ? r with { DurationMinutes = 45 } : r)] };

        var result = Replan(problem);

        // Even at the same start, an appointment that takes longer has changed: the host's calendar must hear of it.
        var change = result.Changes.Single();
        Assert.Equal(("c", AppointmentChangeKind.Moved, "it now takes 45 minutes, not 30"), (change.RequestId, change.Kind, change.Reason));
        Assert.Equal(45, (int)(change.After!.End.ToInstant() - change.After.Start.ToInstant()).TotalMinutes);
        Assert.Empty(ScheduleVerifier.Violations(problem, result.Schedule));
    }

    [Fact]
    public void LaterOpening_NamesTheFacility_AndTheLinkThatNoLongerHolds()
    {
        var problem = Clinic() with { Facilities = [Facility("main", Zone, Week("08:30", "12:00"))] };

        var result = Replan(problem);

        Assert.StartsWith("facility 'main' hours, the patient's availability or the request's window no longer allow that time", ReasonOf(result, "a"));
        Assert.StartsWith("facility 'main' hours, the patient's availability or the request's window no longer allow that time", ReasonOf(result, "c"));
        Assert.StartsWith("its link to request 'a' no longer holds where it was", ReasonOf(result, "b"));
        Assert.DoesNotContain(result.Changes, c => c.RequestId == "d");
        Assert.Empty(ScheduleVerifier.Violations(problem, result.Schedule));
    }

    [Fact]
    public void AProviderOrRoomAway_IsNamed()
    {
        var away = new Interval(TestProblems.At("2026-12-07T08:50:00-06:00"), TestProblems.At("2026-12-07T09:40:00-06:00"));
        var noProvider = Clinic() with { Providers = [.. Clinic().Providers.Select(p => p.Id == "dr-b" ? p with { TimeOff = [away] } : p)] };
        var noRoom = Clinic() with { Rooms = [.. Clinic().Rooms.Select(r => r.Id == "exam-2" ? r with { Unavailable = [away] } : r)] };

        var withoutProvider = Replan(noProvider);
        var withoutRoom = Replan(noRoom);

        Assert.StartsWith("provider 'dr-b' is no longer available then", ReasonOf(withoutProvider, "d"));
        Assert.StartsWith("room 'exam-2' is no longer available then", ReasonOf(withoutRoom, "d"));
        Assert.Equal(["d"], withoutProvider.Changes.Select(c => c.RequestId));
        Assert.Equal(["d"], withoutRoom.Changes.Select(c => c.RequestId));
    }

    [Fact]
    public void AFixedBooking_TakingThePatientRoomOrEquipment_IsNamed()
    {
        static Problem With(Problem p, AppointmentRequest extra, FixedBooking booking) =>
            p with { Requests = [.. p.Requests, extra], Fixed = [booking] };
        var patientBusy = With(Clinic(), Request("e", "p2", "visit", priority: 9), new FixedBooking("e", "dr-a", "exam-1", TestProblems.At("2026-12-07T08:00:00-06:00")) with { ProviderId = "dr-a", RoomId = "exam-1" });
        var roomBusy = With(Clinic() with { Patients = [.. Clinic().Patients, Patient("p5")] }, Request("e", "p5", "visit", priority: 9), new FixedBooking("e", "dr-a", "exam-2", TestProblems.At("2026-12-07T09:00:00-06:00")));
        var poolBusy = With(Clinic() with { Patients = [.. Clinic().Patients, Patient("p5")] }, Request("e", "p5", "scan", priority: 9), new FixedBooking("e", "dr-a", "exam-1", TestProblems.At("2026-12-07T09:10:00-06:00")));

        Assert.StartsWith("the patient now has a fixed booking or a higher-priority appointment then", ReasonOf(Replan(patientBusy), "c"));
        Assert.StartsWith("room 'exam-2' is now taken then by a fixed booking or a higher-priority appointment", ReasonOf(Replan(roomBusy), "d"));
        Assert.StartsWith("every unit of equipment pool 'us' is now taken then by a fixed booking or a higher-priority appointment", ReasonOf(Replan(poolBusy), "d"));
    }

    [Fact]
    public void ARequestTakenOut_OrThatCanNoLongerBeBooked_IsDroppedSayingSo()
    {
        var removed = Clinic() with { Requests = [.. Clinic().Requests.Where(r => r.Id != "c")] };
        var unbookable = Clinic() with { Requests = [.. Clinic().Requests.Select(r => r.Id == "c" ? r with { Earliest = Date("2026-12-07"), Latest = Date("2026-12-07"), PreferredProviderId = null } : r)], Patients = [.. Clinic().Patients.Select(p => p.Id == "p2" ? p with { Unavailable = [new Interval(TestProblems.At("2026-12-07T00:00:00-06:00"), TestProblems.At("2026-12-08T00:00:00-06:00"))] } : p)] };

        var gone = Replan(removed).Changes.Single();
        var cannot = Replan(unbookable).Changes.Single();

        Assert.Equal(("c", AppointmentChangeKind.Dropped, "the request is no longer in the problem", (Assignment?)null), (gone.RequestId, gone.Kind, gone.Reason, gone.After));
        Assert.Equal(("c", AppointmentChangeKind.Dropped), (cannot.RequestId, cannot.Kind));
        Assert.Contains("patient", cannot.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AVisitOfASeriesThatCannotStay_UnsettlesTheOtherVisits()
    {
        var problem = Problem("2026-12-07", "2026-12-08",
            [Facility("main", Zone, Week("08:00", "12:00"))], [Room("exam-1", "main", "exam")],
            [Provider("dr-a", "gp", "main", Week("08:00", "12:00"))],
            [Patient("p1")],
            [Type("visit", 30, "gp", ["exam"])],
            [Request("s1", "p1", "visit"), Request("s2", "p1", "visit")]) with
        {
            Series = [new RequestSeries("course", ["s1", "s2"], 1)],
        };
        var second = At("s2", "p1", "dr-a", "exam-1", "09:00");
        var previous = new Schedule(ScheduleStatus.Feasible, new ScheduleObjective(2, 2, 0),
            [At("s1", "p1", "dr-a", "exam-1", "09:00"), second with { Start = second.Start.PlusHours(24), End = second.End.PlusHours(24) }], [], new SolveStats(0, 1, 0));
        var away = new Interval(TestProblems.At("2026-12-08T08:50:00-06:00"), TestProblems.At("2026-12-08T09:40:00-06:00"));
        var changed = problem with { Providers = [problem.Providers[0] with { TimeOff = [away] }] };

        var result = new AppointmentScheduler().Replan(changed, previous, Quick(5));

        Assert.StartsWith("provider 'dr-a' is no longer available then", ReasonOf(result, "s2"));
        Assert.StartsWith("its series 'course' no longer stands where it was booked", ReasonOf(result, "s1"));
        Assert.Empty(ScheduleVerifier.Violations(changed, result.Schedule));
    }
}
