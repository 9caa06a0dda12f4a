using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Validation;

/// <summary>A problem validated once: what it freezes, what it refuses, and that every operation takes it as it is.</summary>
public sealed class ValidatedProblemTests
{
    private static Problem Small(List<AppointmentRequest> requests) => Problem(
        "2026-03-02", "2026-03-02",
        [Facility("f", "Etc/UTC", Week("08:00", "12:00"))],
        [Room("room", "f", "exam")],
        [Provider("d1", "gp", "f", Week("08:00", "12:00"))],
        [Patient("pa"), Patient("pb")],
        [Type("visit", 30, "gp", ["exam"])],
        requests);

    [Fact]
    public void TryCreate_CallerChangesItsListsAfterwards_TheValidatedProblemKeepsWhatWasValidated()
    {
        var links = new List<RequestLink> { new("r1", 0, 60) };
        var requests = new List<AppointmentRequest> { Request("r1", "pa", "visit"), Request("r2", "pb", "visit") with { After = links } };

        Assert.Empty(ValidatedProblem.TryCreate(Small(requests), out var validated));
        requests.Add(Request("r3", "nobody", "no-such-type"));
        links[0] = new RequestLink("missing", 0, 60);

        Assert.Equal(["r1", "r2"], validated!.Problem.Requests.Select(r => r.Id));
        Assert.Equal("r1", Assert.Single(validated.Problem.Requests[1].After).RequestId);
        var schedule = new AppointmentScheduler().Solve(validated, Quick());
        Assert.Equal(["r1", "r2"], schedule.Assignments.Select(a => a.RequestId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TryCreate_InvalidProblem_ListsEveryErrorAndGivesNothing()
    {
        var errors = ValidatedProblem.TryCreate(Small([Request("r1", "nobody", "visit"), Request("r2", "pa", "no-such-type")]), out var validated);

        Assert.Null(validated);
        Assert.Equal(["requests[0].patient", "requests[1].type"], errors.Select(e => e.Path));
        var thrown = Assert.Throws<ProblemValidationException>(() => ValidatedProblem.Create(Small([Request("r1", "nobody", "visit")])));
        Assert.Equal("requests[0].patient", Assert.Single(thrown.Errors).Path);
    }

    [Fact]
    public void TryCreate_MissingLists_AreReportedNotThrown()
    {
        var problem = Small([Request("r1", "pa", "visit")]) with { Rooms = null!, Requests = null! };

        var errors = ValidatedProblem.TryCreate(problem, out var validated);

        Assert.Null(validated);
        Assert.Equal(["rooms", "requests"], errors.Select(e => e.Path));
    }

    [Fact]
    public void TryRead_SameErrorsAsTryParse_AndTheProblemReadsTheSame()
    {
        var json = File.ReadAllText(TestData("clinic-small.json"));
        Assert.Empty(ProblemFile.TryRead(json, out var validated));
        Assert.Empty(ProblemFile.TryParse(json, out var parsed));
        Assert.Equal(ProblemFile.Serialize(parsed!), ProblemFile.Serialize(validated!.Problem));

        var broken = json.Replace("\"formatVersion\": 1", "\"formatVersion\": 2", StringComparison.Ordinal);
        Assert.Equal(ProblemFile.TryParse(broken, out _), ProblemFile.TryRead(broken, out var none));
        Assert.Null(none);
        Assert.Equal("$", Assert.Single(ProblemFile.TryRead([0xFF, 0x7B], out _)).Path);
    }

    [Fact]
    public void Operations_OnAValidatedProblem_GiveWhatTheyGiveOnTheProblem()
    {
        var problem = Example();
        var validated = ValidatedProblem.Create(problem);
        var options = new SolveOptions(Duration.FromSeconds(5), 1, 3);
        var scheduler = new AppointmentScheduler();

        var fromProblem = scheduler.Solve(problem, options);
        var fromValidated = scheduler.Solve(validated, options);
        Assert.Equal(fromProblem.Assignments, fromValidated.Assignments);
        Assert.Empty(ScheduleVerifier.Violations(problem, fromValidated));

        var first = fromValidated.Assignments.First(a => !problem.Fixed.Any(f => f.RequestId == a.RequestId)
            && !problem.Series.Any(s => s.RequestIds.Contains(a.RequestId))
            && !problem.Requests.Any(r => r.Id == a.RequestId ? r.After.Count > 0 : r.After.Any(l => l.RequestId == a.RequestId)));
        var book = fromValidated with { Assignments = [.. fromValidated.Assignments.Where(a => a != first)], Unscheduled = [] };
        Assert.Equal(
            new SlotRecommender(problem, book).Recommend(first.RequestId).Slots.Select(s => (s.Start, s.ProviderId, s.RoomId)),
            new SlotRecommender(validated, book).Recommend(first.RequestId).Slots.Select(s => (s.Start, s.ProviderId, s.RoomId)));
        Assert.Equal(
            WaitlistFiller.Fill(problem, fromValidated, first.RequestId).Schedule.Assignments,
            WaitlistFiller.Fill(validated, fromValidated, first.RequestId).Schedule.Assignments);
        Assert.Equal(scheduler.Replan(problem, fromValidated, options).Schedule.Assignments, scheduler.Replan(validated, fromValidated, options).Schedule.Assignments);
    }
}
