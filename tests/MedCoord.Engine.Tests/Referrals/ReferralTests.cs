using FsCheck;
using FsCheck.Xunit;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Referrals;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Xunit;
using S = MedCoord.Engine.Referrals.ReferralStatus;

namespace MedCoord.Engine.Tests.Referrals;

public sealed class ReferralTests : IDisposable
{
    /// <summary>The loop as the requirements state it, written out independently of the engine's table.</summary>
    private static readonly HashSet<(S From, S To)> Allowed =
    [
        (S.Draft, S.Sent), (S.Draft, S.Cancelled),
        (S.Sent, S.Accepted), (S.Sent, S.Declined), (S.Sent, S.Cancelled), (S.Sent, S.Expired),
        (S.Accepted, S.Scheduled), (S.Accepted, S.Cancelled), (S.Accepted, S.Expired),
        (S.Declined, S.Closed),
        (S.Scheduled, S.Completed), (S.Scheduled, S.Cancelled), (S.Scheduled, S.Expired),
        (S.Completed, S.ReportReceived), (S.Completed, S.Expired),
        (S.ReportReceived, S.Closed),
    ];

    private static readonly Instant Start = Instant.FromUtc(2026, 10, 30, 14, 0);
    private readonly string _dir = Directory.CreateTempSubdirectory("medcoord-referrals-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static Referral In(S status) =>
        ReferralLifecycle.Draft("ref-1", "pat-1", "dr-a", "cardiology", ReferralPriority.Routine, new FakeClock(Start)) with { Status = status };

    [Theory]
    [MemberData(nameof(StatusPairs.Referral), MemberType = typeof(StatusPairs))]
    public void Move_EveryPairOfStatuses_IsAllowedExactlyWhenTheLoopSaysSo(S from, S to)
    {
        var clock = new FakeClock(Start + Duration.FromHours(3));

        if (Allowed.Contains((from, to)))
        {
            var moved = ReferralLifecycle.Move(In(from), to, "coordinator-2", "phoned the clinic", clock);
            Assert.Equal(to, moved.Status);
            Assert.Equal(new ReferralTransition(from, to, "coordinator-2", clock.GetCurrentInstant(), "phoned the clinic"), moved.History.Single());
        }
        else
        {
            var refused = Assert.Throws<ReferralTransitionException>(() => ReferralLifecycle.Move(In(from), to, "coordinator-2", "phoned the clinic", clock));
            Assert.Equal((from, to), (refused.From, refused.To));
            Assert.Equal(Allowed.Where(a => a.From == from).Select(a => a.To).Order(), refused.Allowed.Order());
            Assert.Contains($"cannot go from {from} to {to}", refused.Message);
        }
    }

    [Fact]
    public void Overdue_EachLimitOfItsPriority_PutsTheReferralOnTheWorklist()
    {
        var options = new ReferralOptions();
        var clock = new FakeClock(Start);
        var sent = ReferralLifecycle.Move(In(S.Draft), S.Sent, "dr-a", "sent", clock);
        var urgent = sent with { Id = "ref-2", Priority = ReferralPriority.Urgent };
        var accepted = ReferralLifecycle.Move(sent with { Id = "ref-3" }, S.Accepted, "clinic", "accepted", clock);
        var closed = sent with { Id = "ref-4", Status = S.Closed };

        var atEightDays = ReferralWorklist.Overdue([sent, urgent, accepted, closed], options, Start + Duration.FromDays(8));
        var atThirtyOneDays = ReferralWorklist.Overdue([accepted, closed], options, Start + Duration.FromDays(31));

        Assert.Equal([("ref-2", ReferralLateness.NotAccepted, Start + Duration.FromDays(2)), ("ref-1", ReferralLateness.NotAccepted, Start + Duration.FromDays(7))],
            atEightDays.Select(o => (o.ReferralId, o.Lateness, o.DueAt)));
        Assert.Equal(("ref-3", ReferralLateness.NotScheduled), atThirtyOneDays.Select(o => (o.ReferralId, o.Lateness)).Single());
        Assert.Equal(Start + Duration.FromDays(60), ReferralWorklist.DueBy(sent, options));
        Assert.Empty(new ReferralOptions().Validate());
        var bad = new ReferralOptions { Limits = new() { [ReferralPriority.Stat] = new(Duration.FromDays(2), Duration.FromDays(1), Duration.Zero) } };
        Assert.Equal(4, bad.Validate().Count);
    }

    /// <summary>Random coordinator actions through the engine, stored in SQLite as they go: the stored state matches, closed referrals are never overdue, the audit chain verifies.</summary>
    [Property(MaxTest = 25)]
    public void Move_RandomActionSequencesThroughTheEngine_KeepTheInvariants(NonNegativeInt[] steps)
    {
        var clock = new FakeClock(Start, Duration.FromHours(9));
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.db");
        using var services = new ServiceCollection().AddSingleton<IClock>(clock).AddMedCoordEngine(o => o.DatabasePath = path).BuildServiceProvider();
        var engine = services.GetRequiredService<CoordinationEngine>();
        var statuses = Enum.GetValues<S>();
        var referrals = new Dictionary<string, Referral>();
        for (var i = 0; i < 3; i++)
        {
            var draft = ReferralLifecycle.Draft($"ref-{i}", $"pat-{i}", "dr-a", "dermatology", (ReferralPriority)(i % 4), clock);
            engine.CreateReferral(draft, "dr-a");
            referrals[draft.Id] = draft;
        }

        foreach (var step in steps.Take(30))
        {
            var referral = referrals[$"ref-{step.Get % 3}"];
            var to = statuses[(step.Get / 3) % statuses.Length];
            if (ReferralLifecycle.AllowedFrom(referral.Status).Contains(to))
            {
                referrals[referral.Id] = engine.MoveReferral(referral.Id, to, "coordinator-1", "step");
            }
            else
            {
                Assert.Throws<ReferralTransitionException>(() => engine.MoveReferral(referral.Id, to, "coordinator-1", "step"));
            }
        }

        Assert.Equal(referrals.Values.OrderBy(r => r.Id), engine.Store.List<Referral>().Select(r => r.Value));
        var overdue = ReferralWorklist.Overdue(engine.Store.List<Referral>().Select(r => r.Value), new ReferralOptions(), clock.GetCurrentInstant() + Duration.FromDays(400));
        Assert.Equal(referrals.Values.Where(r => ReferralLifecycle.AllowedFrom(r.Status).Count > 0).Select(r => r.Id).Order(), overdue.Select(o => o.ReferralId).Order());
        Assert.All(overdue.Where(o => referrals[o.ReferralId].Status == S.Draft), o => Assert.Equal(ReferralLateness.NotSent, o.Lateness));
        Assert.True(engine.Store.VerifyAudit().Intact);
        Assert.Equal(3 + referrals.Values.Sum(r => r.History.Count), engine.Store.AuditTrail().Count);
    }
}
