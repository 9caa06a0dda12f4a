using FsCheck;
using FsCheck.Xunit;
using MedCoord.Engine.Audit;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Storage;
using Microsoft.Data.Sqlite;
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

    [Fact]
    public void Save_TwoCoordinatorsChangeTheSameReferral_OneWinsTheOtherIsToldAndLosesNothingOnRetry()
    {
        var clock = new FakeClock(Start, Duration.FromMinutes(1));
        var database = SqliteDatabase.Open(Path.Combine(_dir, "engine.db"));
        var audit = new SqliteAuditLog(database, clock);
        var store = new SqliteReferralStore(database, audit);
        var otherStore = new SqliteReferralStore(SqliteDatabase.Open(Path.Combine(_dir, "engine.db")), audit);
        var sent = store.Save(ReferralLifecycle.Move(ReferralLifecycle.Draft("ref-9", "pat-4", "dr-a", "facility:lakeside", ReferralPriority.Asap, clock), S.Sent, "dr-a", "sent", clock), "dr-a");

        var first = store.Find("ref-9")!;
        var second = otherStore.Find("ref-9")!;
        var accepted = store.Save(ReferralLifecycle.Move(first, S.Accepted, "coordinator-1", "accepted by phone", clock), "coordinator-1");
        var refused = Assert.Throws<ReferralConcurrencyException>(() =>
            otherStore.Save(ReferralLifecycle.Move(second, S.Declined, "coordinator-2", "no capacity", clock), "coordinator-2"));
        var retried = otherStore.Save(ReferralLifecycle.Move(otherStore.Find("ref-9")!, S.Scheduled, "coordinator-2", "booked", clock), "coordinator-2");

        Assert.Equal((1L, 2L), (refused.ExpectedVersion, refused.StoredVersion));
        Assert.Equal(S.Accepted, accepted.Status);
        var stored = store.Find("ref-9")!;
        Assert.Equal(retried, stored);
        Assert.Equal([S.Sent, S.Accepted, S.Scheduled], stored.History.Select(h => h.To));
        Assert.Equal(sent.SentAt, stored.SentAt);
        Assert.Equal(["Created", "Sent", "Accepted", "Scheduled"], audit.Read().Select(e => e.Action));
        Assert.True(audit.Verify().Intact);
        var retargeted = Assert.Throws<ArgumentException>(() => store.Save(stored with { Target = "neurology" }, "coordinator-1"));
        Assert.Contains("fixed once it is created", retargeted.Message);
        Assert.Throws<ArgumentException>(() => store.Save(stored with { History = [] }, "coordinator-1"));
        Assert.Equal(stored, store.Find("ref-9"));
    }

    /// <summary>Random coordinator actions, stored as they go: the stored state matches, closed referrals are never overdue, the audit chain verifies.</summary>
    [Property(MaxTest = 25)]
    public void Save_RandomActionSequences_KeepTheInvariants(NonNegativeInt[] steps)
    {
        var clock = new FakeClock(Start, Duration.FromHours(9));
        var database = SqliteDatabase.Open(Path.Combine(_dir, $"{Guid.NewGuid():N}.db"));
        var audit = new SqliteAuditLog(database, clock);
        var store = new SqliteReferralStore(database, audit);
        var statuses = Enum.GetValues<S>();
        var referrals = Enumerable.Range(0, 3)
            .Select(i => store.Save(ReferralLifecycle.Draft($"ref-{i}", $"pat-{i}", "dr-a", "dermatology", (ReferralPriority)(i % 4), clock), "dr-a"))
            .ToDictionary(r => r.Id);

        foreach (var step in steps.Take(30))
        {
            var referral = referrals[$"ref-{step.Get % 3}"];
            var to = statuses[(step.Get / 3) % statuses.Length];
            if (ReferralLifecycle.AllowedFrom(referral.Status).Contains(to))
            {
                referrals[referral.Id] = store.Save(ReferralLifecycle.Move(referral, to, "coordinator-1", "step", clock), "coordinator-1");
            }
            else
            {
                Assert.Throws<ReferralTransitionException>(() => ReferralLifecycle.Move(referral, to, "coordinator-1", "step", clock));
            }
        }

        Assert.Equal(referrals.Values.OrderBy(r => r.Id), store.List());
        var overdue = ReferralWorklist.Overdue(store.List(), new ReferralOptions(), clock.GetCurrentInstant() + Duration.FromDays(400));
        Assert.DoesNotContain(overdue, o => referrals[o.ReferralId].Status is S.Closed or S.Cancelled or S.Expired or S.Draft);
        Assert.True(audit.Verify().Intact);
        Assert.Equal(3 + referrals.Values.Sum(r => r.History.Count), audit.Read().Count);
    }
}
