using FsCheck;
using FsCheck.Xunit;
using MedCoord.Engine.Results;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Results;

public sealed class ResultsRelayTests
{
    private static readonly Instant Start = Instant.FromUtc(2026, 3, 29, 0, 30);

    private static IncomingResult Lab(string id, ResultStatus status, bool abnormal) => new(id, "pat-1", "dr-a", "lab", status, abnormal);

    [Fact]
    public void Receive_ThenReview_OpensTheNotificationForThePatient()
    {
        var clock = new FakeClock(Start);
        var relay = new ResultsRelay(clock, new ResultsRelayOptions());

        var review = relay.Receive(Lab("res-1", ResultStatus.Final, abnormal: false));
        clock.AdvanceHours(2);
        var notify = relay.Complete(review.Id, "dr-a");

        Assert.Equal((RelayStep.ProviderReview, "dr-a", false), (review.Step, review.AssignedTo, review.Urgent));
        Assert.Equal((RelayStep.PatientNotification, "pat-1", Start + Duration.FromHours(2)), (notify!.Step, notify.AssignedTo, notify.CreatedAt));
        Assert.Null(relay.Complete(notify.Id, "coordinator-1"));
        Assert.All(relay.Tasks, t => Assert.False(t.IsOpen));
        Assert.Contains("already done", Assert.Throws<ArgumentException>(() => relay.Complete(review.Id, "dr-a")).Message);
    }

    [Fact]
    public void Overdue_AbnormalAfterFourHours_NormalAfterThreeDays_UrgentFirst()
    {
        var clock = new FakeClock(Start);
        var relay = new ResultsRelay(clock, new ResultsRelayOptions());
        var normal = relay.Receive(Lab("res-n", ResultStatus.Final, abnormal: false));
        clock.AdvanceMinutes(30);
        var abnormal = relay.Receive(Lab("res-a", ResultStatus.Final, abnormal: true));

        clock.AdvanceHours(4);
        var atFourHours = relay.Overdue();
        clock.AdvanceMinutes(1);
        var afterFourHours = relay.Overdue();
        clock.AdvanceDays(3);
        var afterThreeDays = relay.Overdue();

        Assert.Empty(atFourHours);
        Assert.Equal([abnormal.Id], afterFourHours.Select(t => t.Id));
        Assert.Equal([abnormal.Id, normal.Id], afterThreeDays.Select(t => t.Id));
        Assert.True(abnormal.Urgent);
    }

    [Fact]
    public void Receive_AmendedVersion_SupersedesTheOpenReviewAndStartsAgain()
    {
        var clock = new FakeClock(Start);
        var relay = new ResultsRelay(clock, new ResultsRelayOptions());
        var preliminary = relay.Receive(Lab("res-1", ResultStatus.Preliminary, abnormal: false));
        var final = relay.Receive(Lab("res-1", ResultStatus.Final, abnormal: false));
        relay.Complete(final.Id, "dr-a");

        var amended = relay.Receive(Lab("res-1", ResultStatus.Amended, abnormal: true));

        Assert.Equal((1, 2, 3), (preliminary.Version, final.Version, amended.Version));
        Assert.True(relay.Tasks.Single(t => t.Id == preliminary.Id).Superseded);
        Assert.True(relay.Tasks.Single(t => t.Step == RelayStep.PatientNotification).Superseded);
        Assert.Equal([amended.Id], relay.Tasks.Where(t => t.IsOpen).Select(t => t.Id));
        Assert.Contains("superseded", Assert.Throws<ArgumentException>(() => relay.Complete(preliminary.Id, "dr-a")).Message);
        Assert.Throws<ValidationException>(() => relay.Receive(Lab("res-1", ResultStatus.Preliminary, abnormal: false)));
        Assert.Throws<ValidationException>(() => relay.Receive(Lab("res-1", ResultStatus.Amended, abnormal: false) with { PatientId = "pat-2" }));
    }

    [Fact]
    public void Options_Invalid_AreRefusedNamingEachProblem()
    {
        var options = new ResultsRelayOptions { NormalWithin = Duration.Zero, UrgentWithin = Duration.FromDays(5) };

        var refused = Assert.Throws<ValidationException>(() => new ResultsRelay(new FakeClock(Start), options));

        Assert.Equal([new("NormalWithin", $"must be positive, found {Duration.Zero}"), new("UrgentWithin", $"must be positive and at most NormalWithin, found {Duration.FromDays(5)}")], refused.Errors);
        Assert.Equal("options", refused.ParamName);
    }

    /// <summary>Random arrivals and completions: every result has exactly one open chain, and a done review always has its notification.</summary>
    [Property(MaxTest = 50)]
    public void RandomArrivalsAndCompletions_KeepOneOpenTaskPerResult(NonNegativeInt[] steps)
    {
        var clock = new FakeClock(Start, Duration.FromMinutes(17));
        var relay = new ResultsRelay(clock, new ResultsRelayOptions());
        var statuses = new[] { ResultStatus.Final, ResultStatus.Amended };
        foreach (var step in steps.Take(40))
        {
            var open = relay.Tasks.Where(t => t.IsOpen).ToList();
            if (step.Get % 2 == 0 || open.Count == 0)
            {
                relay.Receive(Lab($"res-{step.Get % 5}", statuses[(step.Get / 5) % 2], abnormal: step.Get % 3 == 0));
            }
            else
            {
                relay.Complete(open[step.Get % open.Count].Id, "dr-a");
            }
        }

        foreach (var byResult in relay.Tasks.GroupBy(t => t.ResultId))
        {
            Assert.True(byResult.Count(t => t.IsOpen) <= 1);
            var latest = byResult.Max(t => t.Version);
            Assert.All(byResult.Where(t => t.Version < latest), t => Assert.False(t.IsOpen));
            var review = byResult.Single(t => t.Version == latest && t.Step == RelayStep.ProviderReview);
            Assert.Equal(review.DoneAt is not null, byResult.Any(t => t.Version == latest && t.Step == RelayStep.PatientNotification));
        }
    }

    private static RelayTask Task(string id, RelayStep step, bool urgent, Instant createdAt, string assignedTo = "dr-a") =>
        new(id, "res-1", 1, step, urgent, assignedTo, createdAt, null, null, false);

    [Fact]
    public void Receive_NewResult_OpensVersionOneReviewForTheOrderingProvider()
    {
        var clock = new FakeClock(Start);

        var thread = ResultThreads.Receive(null, Lab("res-1", ResultStatus.Preliminary, abnormal: true), clock);

        Assert.Equal(("res-1", 1, Lab("res-1", ResultStatus.Preliminary, abnormal: true)), (thread.Id, thread.Version, thread.Latest));
        Assert.Equal([new RelayTask("res-1/v1/ProviderReview", "res-1", 1, RelayStep.ProviderReview, true, "dr-a", Start, null, null, false)], thread.Tasks);
    }

    [Fact]
    public void Receive_NewVersion_SupersedesOnlyOpenTasksAndKeepsDoneOnesAsTheyWere()
    {
        var clock = new FakeClock(Start);
        var thread = ResultThreads.Receive(null, Lab("res-1", ResultStatus.Final, abnormal: false), clock);
        clock.AdvanceHours(1);
        thread = ResultThreads.Complete(thread, "res-1/v1/ProviderReview", "dr-a", clock).Thread;
        clock.AdvanceHours(1);

        var amended = ResultThreads.Receive(thread, Lab("res-1", ResultStatus.Amended, abnormal: true), clock);

        Assert.Equal((2, ResultStatus.Amended), (amended.Version, amended.Latest.Status));
        Assert.Equal(
            [
                new RelayTask("res-1/v1/ProviderReview", "res-1", 1, RelayStep.ProviderReview, false, "dr-a", Start, Start + Duration.FromHours(1), "dr-a", false),
                new RelayTask("res-1/v1/PatientNotification", "res-1", 1, RelayStep.PatientNotification, false, "pat-1", Start + Duration.FromHours(1), null, null, true),
                new RelayTask("res-1/v2/ProviderReview", "res-1", 2, RelayStep.ProviderReview, true, "dr-a", Start + Duration.FromHours(2), null, null, false),
            ],
            amended.Tasks);
    }

    [Theory]
    [InlineData(ResultStatus.Preliminary, ResultStatus.Preliminary, true)]
    [InlineData(ResultStatus.Preliminary, ResultStatus.Final, true)]
    [InlineData(ResultStatus.Final, ResultStatus.Final, true)]
    [InlineData(ResultStatus.Final, ResultStatus.Amended, true)]
    [InlineData(ResultStatus.Amended, ResultStatus.Amended, true)]
    [InlineData(ResultStatus.Amended, ResultStatus.Final, true)]
    [InlineData(ResultStatus.Final, ResultStatus.Preliminary, false)]
    [InlineData(ResultStatus.Amended, ResultStatus.Preliminary, false)]
    public void Receive_APreliminaryVersionOnlyFollowsAPreliminaryOne(ResultStatus first, ResultStatus second, bool accepted)
    {
        var clock = new FakeClock(Start);
        var thread = ResultThreads.Receive(null, Lab("res-1", first, abnormal: false), clock);

        if (accepted)
        {
            Assert.Equal(2, ResultThreads.Receive(thread, Lab("res-1", second, abnormal: false), clock).Version);
        }
        else
        {
            var refused = Assert.Throws<ValidationException>(() => ResultThreads.Receive(thread, Lab("res-1", second, abnormal: false), clock));
            Assert.Equal(($"The result is invalid: result.status: result 'res-1' is already {first}; a preliminary version cannot follow it", "result"), (refused.Message, refused.ParamName));
        }
    }

    [Fact]
    public void Receive_AnotherResultPatientOrProvider_IsRefusedNamingIdsOnly()
    {
        var clock = new FakeClock(Start);
        var thread = ResultThreads.Receive(null, Lab("res-1", ResultStatus.Final, abnormal: false), clock);

        var other = Assert.Throws<ValidationException>(() => ResultThreads.Receive(thread, Lab("res-2", ResultStatus.Final, abnormal: false), clock));
        var patient = Assert.Throws<ValidationException>(() => ResultThreads.Receive(thread, Lab("res-1", ResultStatus.Final, false) with { PatientId = "pat-2" }, clock));
        var provider = Assert.Throws<ValidationException>(() => ResultThreads.Receive(thread, Lab("res-1", ResultStatus.Final, false) with { OrderingProviderId = "dr-b" }, clock));

        Assert.Equal(new ValidationError("result.id", "result 'res-2' does not belong to the thread of result 'res-1'"), Assert.Single(other.Errors));
        Assert.Equal(new ValidationError("result.patientId", "result 'res-1' arrived for a different patient or ordering provider than before"), Assert.Single(patient.Errors));
        Assert.Equal(new ValidationError("result.orderingProviderId", "result 'res-1' arrived for a different patient or ordering provider than before"), Assert.Single(provider.Errors));
        Assert.Equal("result", other.ParamName);
        Assert.Equal("result", Assert.Throws<ArgumentNullException>(() => ResultThreads.Receive(null, null!, clock)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => ResultThreads.Receive(null, Lab("res-1", ResultStatus.Final, false), null!)).ParamName);
        Assert.Throws<ArgumentException>(() => ResultThreads.Receive(null, Lab(" ", ResultStatus.Final, false), clock));
    }

    [Fact]
    public void Complete_Review_OpensTheUrgentNotificationOfTheLatestVersionForThePatient()
    {
        var clock = new FakeClock(Start);
        var thread = ResultThreads.Receive(null, Lab("res-1", ResultStatus.Preliminary, abnormal: false), clock);
        thread = ResultThreads.Receive(thread, Lab("res-1", ResultStatus.Final, abnormal: true), clock);
        clock.AdvanceMinutes(20);

        var (after, opened) = ResultThreads.Complete(thread, "res-1/v2/ProviderReview", "dr-c", clock);

        var expected = new RelayTask("res-1/v2/PatientNotification", "res-1", 2, RelayStep.PatientNotification, true, "pat-1", Start + Duration.FromMinutes(20), null, null, false);
        Assert.Equal(expected, opened);
        Assert.Equal(expected, after.Tasks[^1]);
        Assert.Equal(3, after.Tasks.Count);
        Assert.Equal((Start + Duration.FromMinutes(20), "dr-c"), (after.Tasks[1].DoneAt, after.Tasks[1].DoneBy));
        Assert.Equal(thread.Tasks[0], after.Tasks[0]); // the superseded review is left alone
    }

    [Fact]
    public void Complete_Notification_OpensNothingAndRecordsWhoAndWhen()
    {
        var clock = new FakeClock(Start);
        var thread = ResultThreads.Complete(ResultThreads.Receive(null, Lab("res-1", ResultStatus.Final, false), clock), "res-1/v1/ProviderReview", "dr-a", clock).Thread;
        clock.AdvanceHours(3);

        var (after, opened) = ResultThreads.Complete(thread, "res-1/v1/PatientNotification", "nurse-1", clock);

        Assert.Null(opened);
        Assert.Equal(2, after.Tasks.Count);
        Assert.Equal((Start + Duration.FromHours(3), "nurse-1", false), (after.Tasks[1].DoneAt, after.Tasks[1].DoneBy, after.Tasks[1].IsOpen));
    }

    [Fact]
    public void CompleteAndRelease_UnknownDoneOrSupersededTasks_AreRefusedSayingWhich()
    {
        var clock = new FakeClock(Start);
        var thread = ResultThreads.Receive(null, Lab("res-1", ResultStatus.Final, false), clock);
        var reviewed = ResultThreads.Complete(thread, "res-1/v1/ProviderReview", "dr-a", clock).Thread;
        var amended = ResultThreads.Receive(reviewed, Lab("res-1", ResultStatus.Amended, false), clock);

        Assert.Equal("unknown task 'res-1/v9/ProviderReview' (Parameter 'taskId')",
            Assert.Throws<ArgumentException>(() => ResultThreads.Complete(thread, "res-1/v9/ProviderReview", "dr-a", clock)).Message);
        Assert.Equal("task 'res-1/v1/ProviderReview' is already done (Parameter 'taskId')",
            Assert.Throws<ArgumentException>(() => ResultThreads.Complete(reviewed, "res-1/v1/ProviderReview", "dr-a", clock)).Message);
        Assert.Equal("task 'res-1/v1/PatientNotification' is superseded by a newer version of its result (Parameter 'taskId')",
            Assert.Throws<ArgumentException>(() => ResultThreads.Release(amended, "res-1/v1/PatientNotification", "dr-a", clock)).Message);
        Assert.Equal("task 'res-1/v1/ProviderReview' is a ProviderReview; only a patient notification is released (Parameter 'taskId')",
            Assert.Throws<ArgumentException>(() => ResultThreads.Release(thread, "res-1/v1/ProviderReview", "dr-a", clock)).Message);
        Assert.Equal("unknown task 'nope' (Parameter 'taskId')", Assert.Throws<ArgumentException>(() => ResultThreads.Release(thread, "nope", "dr-a", clock)).Message);
        Assert.Equal("taskId", Assert.Throws<ArgumentException>(() => ResultThreads.Complete(thread, " ", "dr-a", clock)).ParamName);
        Assert.Equal("taskId", Assert.Throws<ArgumentException>(() => ResultThreads.Release(thread, " ", "dr-a", clock)).ParamName);
        Assert.Equal("taskId", Assert.Throws<ArgumentNullException>(() => ResultThreads.Release(thread, null!, "dr-a", clock)).ParamName);
        Assert.Equal("actor", Assert.Throws<ArgumentException>(() => ResultThreads.Complete(thread, "res-1/v1/ProviderReview", "", clock)).ParamName);
        Assert.Equal("actor", Assert.Throws<ArgumentException>(() => ResultThreads.Release(reviewed, "res-1/v1/PatientNotification", "", clock)).ParamName);
        Assert.Equal("thread", Assert.Throws<ArgumentNullException>(() => ResultThreads.Complete(null!, "res-1/v1/ProviderReview", "dr-a", clock)).ParamName);
        Assert.Equal("thread", Assert.Throws<ArgumentNullException>(() => ResultThreads.Release(null!, "res-1/v1/PatientNotification", "dr-a", clock)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => ResultThreads.Complete(thread, "res-1/v1/ProviderReview", "dr-a", null!)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => ResultThreads.Release(reviewed, "res-1/v1/PatientNotification", "dr-a", null!)).ParamName);
    }

    [Fact]
    public void Release_MarksOnlyTheNotificationReleasedByWhomAndWhen()
    {
        var clock = new FakeClock(Start);
        var reviewed = ResultThreads.Complete(ResultThreads.Receive(null, Lab("res-1", ResultStatus.Final, false), clock), "res-1/v1/ProviderReview", "dr-a", clock).Thread;
        clock.AdvanceMinutes(45);

        var (after, released) = ResultThreads.Release(reviewed, "res-1/v1/PatientNotification", "dr-b", clock);

        Assert.Equal(reviewed.Tasks[1] with { ReleasedAt = Start + Duration.FromMinutes(45), ReleasedBy = "dr-b" }, released);
        Assert.Equal([reviewed.Tasks[0], released], after.Tasks);
        Assert.True(released.IsOpen);
        Assert.Equal(reviewed.Latest, after.Latest);
    }

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(true, true, false)]
    public void IsOpen_UntilDoneOrSuperseded(bool done, bool superseded, bool open)
    {
        var task = Task("t", RelayStep.ProviderReview, false, Start) with { DoneAt = done ? Start : null, Superseded = superseded };

        Assert.Equal(open, task.IsOpen);
    }

    [Fact]
    public void Overdue_NormalTaskAtAndPastThreeDays_UrgentFirstThenOldestThenId()
    {
        var options = new ResultsRelayOptions();
        var threads = new[]
        {
            new ResultThread(Lab("res-1", ResultStatus.Final, false), 1,
            [
                Task("n-old", RelayStep.ProviderReview, false, Start),
                Task("n-B", RelayStep.ProviderReview, false, Start + Duration.FromHours(1)),
                Task("n-a", RelayStep.PatientNotification, false, Start + Duration.FromHours(1), "pat-1"),
                Task("u-late", RelayStep.ProviderReview, true, Start + Duration.FromDays(2)),
                Task("done", RelayStep.ProviderReview, false, Start) with { DoneAt = Start + Duration.FromHours(1) },
                Task("superseded", RelayStep.ProviderReview, true, Start) with { Superseded = true },
            ]),
        };
        var threeDays = Start + Duration.FromDays(3);

        Assert.Equal(["u-late"], ResultThreads.Overdue(threads, options, new FakeClock(threeDays)).Select(t => t.Id));
        Assert.Equal(["u-late", "n-old"], ResultThreads.Overdue(threads, options, new FakeClock(threeDays + Duration.FromSeconds(1))).Select(t => t.Id));
        Assert.Equal(["u-late", "n-old", "n-B", "n-a"], ResultThreads.Overdue(threads, options, new FakeClock(threeDays + Duration.FromHours(2))).Select(t => t.Id));
        Assert.Equal("threads", Assert.Throws<ArgumentNullException>(() => ResultThreads.Overdue(null!, options, new FakeClock(Start))).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => ResultThreads.Overdue(threads, null!, new FakeClock(Start))).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => ResultThreads.Overdue(threads, options, null!)).ParamName);
    }

    [Fact]
    public void Options_Validate_BoundariesAndMessages()
    {
        Assert.Equal((Duration.FromDays(3), Duration.FromHours(4)), (new ResultsRelayOptions().NormalWithin, new ResultsRelayOptions().UrgentWithin));
        Assert.Empty(new ResultsRelayOptions().Validate());
        Assert.Empty(new ResultsRelayOptions { NormalWithin = Duration.FromHours(4), UrgentWithin = Duration.FromHours(4) }.Validate());
        Assert.Equal([$"UrgentWithin: must be positive and at most NormalWithin, found {Duration.FromHours(5)}"],
            new ResultsRelayOptions { NormalWithin = Duration.FromHours(4) + Duration.FromMinutes(59), UrgentWithin = Duration.FromHours(5) }.Validate().Select(e => e.ToString()));
        Assert.Equal([$"UrgentWithin: must be positive and at most NormalWithin, found {Duration.Zero}"], new ResultsRelayOptions { UrgentWithin = Duration.Zero }.Validate().Select(e => e.ToString()));
        Assert.Equal([$"NormalWithin: must be positive, found {-Duration.FromDays(1)}", $"UrgentWithin: must be positive and at most NormalWithin, found {Duration.FromHours(4)}"],
            new ResultsRelayOptions { NormalWithin = -Duration.FromDays(1) }.Validate().Select(e => e.ToString()));
    }

    [Fact]
    public void Relay_TasksInCreationOrderAcrossResults_AndUnknownOrMissingIdsRefused()
    {
        var clock = new FakeClock(Start);
        var relay = new ResultsRelay(clock, new ResultsRelayOptions());
        var first = relay.Receive(Lab("res-b", ResultStatus.Final, false));
        clock.AdvanceMinutes(1);
        var second = relay.Receive(Lab("res-a", ResultStatus.Final, false));
        clock.AdvanceMinutes(1);
        var notify = relay.Complete(first.Id, "dr-a")!;

        Assert.Equal([first.Id, second.Id, notify.Id], relay.Tasks.Select(t => t.Id));
        Assert.Equal("unknown task 'res-a/v1/PatientNotification' (Parameter 'taskId')",
            Assert.Throws<ArgumentException>(() => relay.Complete("res-a/v1/PatientNotification", "dr-a")).Message);
        Assert.Equal("taskId", Assert.Throws<ArgumentException>(() => relay.Complete(" ", "dr-a")).ParamName);
        Assert.Equal("result.Id", Assert.Throws<ArgumentNullException>(() => relay.Receive(Lab("res-c", ResultStatus.Final, false) with { Id = null! })).ParamName);
        Assert.Equal("taskId", Assert.Throws<ArgumentNullException>(() => relay.Complete(null!, "dr-a")).ParamName);
        Assert.Equal("result", Assert.Throws<ArgumentNullException>(() => relay.Receive(null!)).ParamName);
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => new ResultsRelay(null!, new ResultsRelayOptions())).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new ResultsRelay(clock, null!)).ParamName);
        Assert.Null(relay.Complete(notify.Id, "nurse-1"));
        Assert.Equal(3, relay.Tasks.Count);
    }
}
