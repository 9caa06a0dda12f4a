using NodaTime.Text;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Operations;

/// <summary>
/// One check of a book against its problem, used by recommendations, fills and re-plans: each refuses a book that
/// does not fit before any work, with the JSON path of each fault in the book's file.
/// </summary>
public sealed class BookCheckTests
{
    private static readonly Problem Clinic = Problem("2026-12-07", "2026-12-08",
        [Facility("main", "America/Chicago", Week("09:00", "17:00"))], [Room("exam-1", "main", "exam")], [Provider("dr-a", "gp", "main", Week("09:00", "17:00"))],
        [Patient("p1"), Patient("p2"), Patient("p3")],
        [Type("visit", 30, "gp", ["exam"])],
        [Request("a", "p1", "visit"), Request("b", "p2", "visit"), Request("c", "p3", "visit")]);

    private static Assignment Visit(string request, string patient, string start, string end = "") =>
        new(request, patient, "dr-a", "exam-1", "main", Time(start), Time(end.Length > 0 ? end : start) + Duration.FromMinutes(end.Length > 0 ? 0 : 30));

    private static OffsetDateTime Time(string text) => OffsetDateTimePattern.ExtendedIso.Parse(text).Value;

    private static Schedule Book(params Assignment[] assignments) =>
        new(ScheduleStatus.Feasible, new ScheduleObjective(0, 0, 0), assignments, [], new SolveStats(0, 0, 0));

    private static readonly Assignment A = Visit("a", "p1", "2026-12-07T09:00:00-06:00");
    private static readonly Assignment B = Visit("b", "p2", "2026-12-07T09:30:00-06:00");

    public static TheoryData<string, Schedule, string[]> BadBooks() => new()
    {
        { "booked twice", Book(A, B, A), ["assignments[2].request: request 'a' is booked more than once"] },
        { "another patient", Book(A, B with { PatientId = "p3" }), ["assignments[1].patient: request 'b' is for patient 'p2', not 'p3'"] },
        { "end before start", Book(A, B with { End = B.Start - Duration.FromMinutes(30) }), ["assignments[1].end: must be after start"] },
        { "ending in 9999", Book(A, B with { End = Time("9999-12-31T23:00:00Z") }),
            ["assignments[1].end: must be from 0001-01-01T00:00:00Z to 9999-01-01T00:00:00Z, as written and in UTC (the supported range of times)"] },
        { "starting and ending out of range", Book(A, B with { Start = Time("9999-12-31T22:00:00Z"), End = Time("9999-12-31T23:00:00Z") }),
            ["assignments[1].start: must be from 0001-01-01T00:00:00Z to 9999-01-01T00:00:00Z, as written and in UTC (the supported range of times)",
             "assignments[1].end: must be from 0001-01-01T00:00:00Z to 9999-01-01T00:00:00Z, as written and in UTC (the supported range of times)"] },
        { "ending as it starts", Book(A, B with { End = B.Start }), ["assignments[1].end: must be after start"] },

    };

    [Theory]
    [MemberData(nameof(BadBooks))]
    public void Replan_BookThatDoesNotFit_IsRefusedBeforeSolving(string name, Schedule book, string[] expected)
    {
        var error = Assert.Throws<ProblemValidationException>(() => new AppointmentScheduler().Replan(Clinic, book, Quick(2)));

        Assert.Equal(expected, error.Errors.Select(e => e.ToString()));
        Assert.StartsWith("The book is invalid", error.Message);
        Assert.NotEmpty(name);
    }

    [Theory]
    [MemberData(nameof(BadBooks))]
    public void Recommender_BookThatDoesNotFit_IsRefusedWithTheSameErrors(string name, Schedule book, string[] expected)
    {
        var error = Assert.Throws<ProblemValidationException>(() => new SlotRecommender(Clinic, book));

        Assert.Equal(expected, error.Errors.Select(e => e.ToString()));
        Assert.NotEmpty(name);
    }

    [Fact]
    public void ABookWithoutAResourceItsTypeBooks_IsRefusedForRecommending_AndDisplacedByAReplan()
    {
        var noRoom = Book(A, B with { RoomId = null });
        var noProvider = Book(A with { ProviderId = null }, B);

        Assert.Equal(["assignments[1].room: its appointment type books a room, but none is named"], Assert.Throws<ProblemValidationException>(() => new SlotRecommender(Clinic, noRoom)).Errors.Select(e => e.ToString()));
        Assert.Equal(["assignments[0].provider: its appointment type books a provider, but none is named"], Assert.Throws<ProblemValidationException>(() => new SlotRecommender(Clinic, noProvider)).Errors.Select(e => e.ToString()));
        // A previous book may predate a change of type: the re-plan moves the appointment, saying why.
        var replanned = new AppointmentScheduler().Replan(Clinic, noRoom, Quick(2));
        Assert.StartsWith("its appointment type now books a room", Assert.Single(replanned.Changes).Reason);
        Assert.Empty(ScheduleVerifier.Violations(Clinic, replanned.Schedule));
        Assert.StartsWith("its appointment type now books a provider", Assert.Single(new AppointmentScheduler().Replan(Clinic, noProvider, Quick(2)).Changes).Reason);
    }

    [Fact]
    public void Replan_BookOfAnotherProblem_IsRefused()
    {
        var book = Book(Visit("x-1", "q1", "2026-12-07T09:00:00-06:00"), Visit("x-2", "q2", "2026-12-07T09:30:00-06:00"));

        var error = Assert.Throws<ProblemValidationException>(() => new AppointmentScheduler().Replan(Clinic, book, Quick(2)));

        Assert.Equal(["assignments: none of its 2 appointments names a request of the problem: it is the schedule of another problem"], error.Errors.Select(e => e.ToString()));
    }

    /// <summary>What a change takes away (a request, a provider, a duration) is reported by the re-plan, not refused.</summary>
    [Fact]
    public void Validate_PreviousBook_AllowsWhatTheChangeTookAway()
    {
        var book = Book(A, B with { ProviderId = "dr-gone", End = B.End + Duration.FromMinutes(15) }, Visit("withdrawn", "p9", "2026-12-07T10:00:00-06:00"));

        Assert.Empty(BookReader.Validate(Clinic, book, previous: true));
        Assert.Equal(
            ["assignments[1].provider: unknown provider 'dr-gone'", "assignments[1].end: the appointment lasts 45 minutes but request 'b' takes 30", "assignments[2].request: unknown request 'withdrawn'"],
            BookReader.Validate(Clinic, book).Select(e => e.ToString()));
    }

    [Fact]
    public void Replan_BookWithAWithdrawnRequest_DropsIt()
    {
        var result = new AppointmentScheduler().Replan(Clinic, Book(A, Visit("withdrawn", "p9", "2026-12-07T10:00:00-06:00")), Quick(2));

        var dropped = Assert.Single(result.Changes);
        Assert.Equal(("withdrawn", AppointmentChangeKind.Dropped), (dropped.RequestId, dropped.Kind));
        Assert.Equal(3, result.Schedule.Assignments.Count);
    }
}
