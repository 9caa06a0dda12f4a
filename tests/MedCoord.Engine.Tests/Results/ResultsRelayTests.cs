using FsCheck;
using FsCheck.Xunit;
using MedCoord.Engine.Results;
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
        Assert.Throws<ArgumentException>(() => relay.Receive(Lab("res-1", ResultStatus.Preliminary, abnormal: false)));
        Assert.Throws<ArgumentException>(() => relay.Receive(Lab("res-1", ResultStatus.Amended, abnormal: false) with { PatientId = "pat-2" }));
    }

    [Fact]
    public void Options_Invalid_AreRefusedNamingEachProblem()
    {
        var options = new ResultsRelayOptions { NormalWithin = Duration.Zero, UrgentWithin = Duration.FromDays(5) };

        var refused = Assert.Throws<ArgumentException>(() => new ResultsRelay(new FakeClock(Start), options));

        Assert.Contains("NormalWithin", refused.Message);
        Assert.Contains("UrgentWithin", refused.Message);
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
}
